/**
 * Request handlers on plain `node:http` objects, and the one JSON writer they answer with.
 * A shared leaf (like logger.ts): auth/, mcp/ and http/ all use it.
 *
 * Why not Express's types: the `/mcp` endpoint runs outside Express's router (http/mcpRoute.ts),
 * so everything on its path may use only what node gives a request. Express mounts these same
 * handlers unchanged for the other routes, since its req/res extend node's.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type NextFunction = (error?: unknown) => void;

export type Handler<Req extends IncomingMessage = IncomingMessage> = (req: Req, res: ServerResponse, next: NextFunction) => void;

/**
 * Writes a JSON answer with `writeHead` + `end` directly: Express's `res.json()` re-derives the
 * content type, charset and freshness on every call, a fifth of a tools/call's CPU once.
 */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers?: Readonly<Record<string, string>>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** The path of a request, without its query string (which can carry a legacy session id). */
export function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
