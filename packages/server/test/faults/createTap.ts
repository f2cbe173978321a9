/**
 * A tap in front of the NeonPanel sandbox, for the fault suite: it forwards every request and
 * counts the creates the sandbox accepted, by the reference the load put in each (the truth a
 * "list" tool would show). It can also fail a create *after* the sandbox accepted it — answer
 * 502, or hold the answer until the caller times out — or delay the answer, so a client can
 * cancel while the create has already happened upstream. The sandbox's own faults fire before
 * it handles a request, so they cannot stand for "NeonPanel received it, then failed".
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type CreateFault = 'none' | 'bad-gateway-after' | 'hang-after' | 'slow-answer';

export interface CreateTap {
  url: string;
  /** Creates the sandbox accepted for `ref`. */
  created(ref: string): number;
  /** Every reference with at least one accepted create. */
  refs(): string[];
  setCreateFault(fault: CreateFault, delayMs?: number): void;
  close(): Promise<void>;
}

const REF = /FS-[\w-]+/;

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startCreateTap(sandboxUrl: string): Promise<CreateTap> {
  const target = new URL(sandboxUrl);
  const counts = new Map<string, number>();
  let fault: CreateFault = 'none';
  let delayMs = 0;
  const held = new Set<ServerResponse>();

  const server = http.createServer(async (req, res) => {
    const body = await readAll(req);
    const ref = req.method === 'POST' ? REF.exec(body.toString('utf8'))?.[0] : undefined;
    const upstream = http.request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: { ...req.headers, host: target.host } }, async (answer) => {
      const payload = await readAll(answer);
      const status = answer.statusCode ?? 502;
      if (ref && status >= 200 && status < 300) counts.set(ref, (counts.get(ref) ?? 0) + 1);
      const forward = (): void => {
        if (res.destroyed) return;
        res.writeHead(status, answer.headers).end(payload);
      };
      if (!ref || fault === 'none') return forward();
      if (fault === 'bad-gateway-after') return void res.writeHead(502, { 'content-type': 'text/plain' }).end('bad gateway');
      if (fault === 'hang-after') return void held.add(res);
      setTimeout(forward, delayMs);
    });
    upstream.on('error', () => res.destroyed || res.writeHead(502).end());
    upstream.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    created: (ref) => counts.get(ref) ?? 0,
    refs: () => [...counts.keys()],
    setCreateFault(next, ms = 0) {
      fault = next;
      delayMs = ms;
    },
    async close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
