/** Small node:http helpers for the setup traffic of the load worker (sessions, streams). */
import http from 'node:http';

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Keep-alive pool for POST/DELETE traffic; long-lived streams use their own sockets. */
export function pool(maxSockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets });
}

export function send(
  url: string,
  init: { method: string; path: string; headers: Record<string, string>; body?: string; agent: http.Agent; timeoutMs?: number },
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const target = new URL(init.path, url);
    const headers = init.body === undefined ? init.headers : { ...init.headers, 'content-length': String(Buffer.byteLength(init.body)) };
    const req = http.request(target, { method: init.method, headers, agent: init.agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(init.timeoutMs ?? 10_000, () => req.destroy(new Error(`${init.method} ${init.path} timed out`)));
    req.on('error', reject);
    req.end(init.body);
  });
}

/** Fails with a short, token-free description of an unexpected answer. */
export function expectStatus(answer: HttpAnswer, expected: number, what: string): HttpAnswer {
  if (answer.status !== expected) throw new Error(`${what}: HTTP ${answer.status} ${answer.body.slice(0, 200)}`);
  return answer;
}
