/**
 * The redirect target of a native MCP client (RFC 8252 §7.3 loopback redirect): a tiny HTTP
 * server on 127.0.0.1 that receives the browser at `/oauth/callback`, keeps the query
 * (code, state, iss or error) and shows a page saying the sign-in is done.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackCallback {
  /** The redirect URI to register, e.g. http://127.0.0.1:40123/oauth/callback. */
  redirectUri: string;
  /** Resolves with the query of the first request to the callback path. */
  next(): Promise<URLSearchParams>;
  close(): Promise<void>;
}

const PATH = '/oauth/callback';

export async function startLoopbackCallback(): Promise<LoopbackCallback> {
  let waiters: Array<(params: URLSearchParams) => void> = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== PATH) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
      .end('<!DOCTYPE html><title>Signed in</title><p id="done">You are signed in. You can close this window.</p>');
    const current = waiters;
    waiters = [];
    for (const resolve of current) resolve(url.searchParams);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    redirectUri: `http://127.0.0.1:${port}${PATH}`,
    next: () => new Promise<URLSearchParams>((resolve) => waiters.push(resolve)),
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
