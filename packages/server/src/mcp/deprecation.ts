/**
 * Says out loud that the HTTP+SSE transport (`/sse` + `/messages`, protocol 2024-11-05) is
 * deprecated: MCP 2026-07-28 reclassified it as Deprecated under the specification's feature
 * lifecycle, whose window is at least twelve months. Every answer on those paths carries
 * `Deprecation` (RFC 9745: the date it became deprecated), a `Link` to the successor, and,
 * once a removal date is decided (`LEGACY_SSE_SUNSET`), `Sunset` (RFC 8594).
 */
import type { Handler } from '../nodeHttp.js';

/** 2026-07-28, the revision that reclassified HTTP+SSE as Deprecated. */
export const LEGACY_SSE_DEPRECATED_AT = new Date(Date.UTC(2026, 6, 28));
const SUCCESSOR = 'https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http';

export function legacySseDeprecationHeaders(sunset: Date | undefined): Record<string, string> {
  return {
    // RFC 9745 structured-field date: seconds since the epoch, prefixed with '@'.
    Deprecation: `@${Math.floor(LEGACY_SSE_DEPRECATED_AT.getTime() / 1000)}`,
    Link: `<${SUCCESSOR}>; rel="deprecation"; type="text/html"`,
    ...(sunset ? { Sunset: sunset.toUTCString() } : {}),
  };
}

export function legacySseDeprecation(sunset: Date | undefined): Handler {
  const headers = Object.entries(legacySseDeprecationHeaders(sunset));
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}
