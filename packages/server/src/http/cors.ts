import cors from 'cors';
import type { Handler } from '../nodeHttp.js';

/**
 * CORS as the original deployment had it: any origin may call (browser-based MCP clients
 * authenticate with a bearer token, not cookies, so `*` leaks nothing). Preflights end here,
 * before authentication, so an OPTIONS is never answered 401.
 */
export const CORS_ALLOWED_HEADERS = [
  'Authorization',
  'Content-Type',
  'Cache-Control',
  'Accept',
  'Mcp-Session-Id',
  'Mcp-Protocol-Version',
  // MCP 2026-07-28 standard request headers, mirrored from the body on every POST.
  'Mcp-Method',
  'Mcp-Name',
  'Last-Event-ID',
];
export const CORS_EXPOSED_HEADERS = ['WWW-Authenticate', 'Mcp-Session-Id'];
export const CORS_METHODS = ['GET', 'POST', 'OPTIONS', 'DELETE'];

export function corsMiddleware(): Handler {
  const preflight = cors({
    origin: '*',
    methods: CORS_METHODS,
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    maxAge: 86_400,
    optionsSuccessStatus: 204,
  });
  const exposed = CORS_EXPOSED_HEADERS.join(',');
  // Outside preflights the answer is two constant headers; setting them directly keeps the
  // cors package's per-request option handling off the hot path.
  return (req, res, next) => {
    if (req.method === 'OPTIONS') {
      preflight(req, res, next);
      return;
    }
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Expose-Headers', exposed);
    next();
  };
}
