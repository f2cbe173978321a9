/**
 * `/mcp` on node:http directly, outside Express's router.
 *
 * Why: `/mcp` carries almost all traffic, and Express's router (per-request prototype swap,
 * layer matching, `next` bookkeeping) cost about 65 µs of a ~450 µs authenticated tools/call
 * on the bench machine (`pnpm bench -- --only tools-call`). Every handler on this path is plain
 * node:http (src/nodeHttp.ts), and app.ts builds this chain and Express's `/mcp` route from
 * one list, so both answer alike; Express still serves the path's other spellings (`/mcp/`,
 * `/MCP`) and every other route.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Handler, NextFunction } from '../nodeHttp.js';
import type { ErrorHandler } from './errors.js';

/** True for exactly `/mcp`, with or without a query string. */
export function isMcpPath(url: string | undefined): boolean {
  return url === '/mcp' || (url !== undefined && url.startsWith('/mcp?'));
}

/**
 * Runs `handlers` in order, as Express would: each calls `next()` to go on or answers itself;
 * `next(error)` goes to `onError`. A chain that runs out without an answer ends in `fallthrough`.
 */
export function handlerChain(handlers: readonly Handler[], fallthrough: Handler, onError: ErrorHandler): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    let index = 0;
    const next: NextFunction = (error?: unknown) => {
      // Truthiness, as Express's router reads it: `next(null)` goes on.
      if (error) {
        onError(error, req, res, () => {});
        return;
      }
      const handler = handlers[index++] ?? fallthrough;
      try {
        handler(req, res, handler === fallthrough ? () => {} : next);
      } catch (thrown) {
        onError(thrown, req, res, () => {});
      }
    };
    next();
  };
}
