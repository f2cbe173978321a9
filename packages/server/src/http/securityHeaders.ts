import type { Handler } from '../nodeHttp.js';

/**
 * A fixed set of response headers for a JSON API. Written here rather than with helmet:
 * helmet's defaults aim at HTML pages (CSP, COEP, origin-agent-cluster) and this is five
 * constant headers.
 */
export function securityHeaders(options: { hsts: boolean }): Handler {
  const headers: Array<[string, string]> = [
    ['X-Content-Type-Options', 'nosniff'],
    ['X-Frame-Options', 'DENY'],
    ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"],
    ['X-Robots-Tag', 'noindex, nofollow'],
    ['Referrer-Policy', 'no-referrer'],
  ];
  if (options.hsts) headers.push(['Strict-Transport-Security', 'max-age=63072000; includeSubDomains']);
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}
