/**
 * DNS-rebinding protection for the MCP endpoints: a browser page on a foreign origin must
 * not be able to drive the server, and a loopback-bound server only answers its own names.
 * Requests without an Origin (server-to-server clients such as ChatGPT and Claude) pass.
 */
import { sendJson, type Handler } from '../nodeHttp.js';

/** `https://a.b` matches exactly; `http://localhost:*` matches that host on any port. */
export function originMatcher(allowed: readonly string[]): (origin: string) => boolean {
  const exact = new Set<string>();
  const anyPort: string[] = [];
  for (const entry of allowed) {
    if (entry === '*') return () => true;
    if (entry.endsWith(':*')) anyPort.push(entry.slice(0, -1));
    else exact.add(entry.replace(/\/+$/, ''));
  }
  return (origin) => {
    if (exact.has(origin)) return true;
    for (const prefix of anyPort) {
      if (origin.startsWith(prefix) && /^\d{1,5}$/.test(origin.slice(prefix.length))) return true;
    }
    return false;
  };
}

export function requestGuard(options: { allowedOrigins: readonly string[]; allowedHosts: readonly string[] }): Handler {
  const originAllowed = originMatcher(options.allowedOrigins);
  const hosts = new Set(options.allowedHosts.map((h) => h.toLowerCase()));
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (origin !== undefined && !originAllowed(origin)) {
      sendJson(res, 403, { error: 'forbidden_origin', error_description: `Origin ${origin.slice(0, 200)} is not allowed.` });
      return;
    }
    if (hosts.size > 0 && !hosts.has((req.headers.host ?? '').toLowerCase())) {
      sendJson(res, 403, { error: 'forbidden_host', error_description: 'Host header is not allowed.' });
      return;
    }
    next();
  };
}
