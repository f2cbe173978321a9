/** What this server is, as a resource: the identifiers it advertises and the audiences it accepts. */

/** The paths this server protects; each gets RFC 9728 metadata at its path-inserted URL. */
export const PROTECTED_PATHS = ['/mcp', '/sse'] as const;

/** The resource identifiers this server advertises: the base URL and each protected path. */
export function resourceIdentifiers(publicBaseUrl: string): string[] {
  return [publicBaseUrl, ...PROTECTED_PATHS.map((p) => `${publicBaseUrl}${p}`)];
}

/**
 * Accepted token audiences: the advertised identifiers, plus the base URL with its slash,
 * because clients that pass the root resource through `new URL(…).href` (the MCP SDK does)
 * ask for `https://host/`.
 */
export function defaultAudiences(publicBaseUrl: string): string[] {
  return [...resourceIdentifiers(publicBaseUrl), `${publicBaseUrl}/`];
}
