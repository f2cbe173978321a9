import cors from 'cors';

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
  'Last-Event-ID',
];
export const CORS_EXPOSED_HEADERS = ['WWW-Authenticate', 'Mcp-Session-Id'];
export const CORS_METHODS = ['GET', 'POST', 'OPTIONS', 'DELETE'];

export function corsMiddleware() {
  return cors({
    origin: '*',
    methods: CORS_METHODS,
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    maxAge: 86_400,
    optionsSuccessStatus: 204,
  });
}
