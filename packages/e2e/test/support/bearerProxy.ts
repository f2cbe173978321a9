/**
 * A loopback reverse proxy that adds `Authorization: Bearer <token>` to every request that
 * has none, for clients that cannot send one (the conformance suite). Everything else —
 * method, path, `Host`, `Origin`, the other headers, and both bodies, streamed — passes
 * unchanged, so what the server judges (DNS-rebinding checks included) is what the client sent.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BearerProxy {
  url: string;
  port: number;
  /**
   * Points the proxy at its upstream, with the token to add. Separate from the start: the
   * server's allowed hosts must name the proxy's port before the server (and its issuer) exist.
   */
  configure(options: { target: string; token: string }): void;
  close(): Promise<void>;
}

export async function startBearerProxy(): Promise<BearerProxy> {
  let upstream: URL | undefined;
  let token = '';
  const server = http.createServer((req, res) => {
    if (!upstream) {
      res.writeHead(503).end();
      return;
    }
    const headers = { ...req.headers };
    if (headers.authorization === undefined) headers.authorization = `Bearer ${token}`;
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    res.on('close', () => forward.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    configure: (options) => {
      upstream = new URL(options.target);
      token = options.token;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
