/**
 * The contract declares a JSON request body on one GET (`getListings`: asin, id, search),
 * while its description says the filters travel as query parameters. HTTP gives a GET body no
 * meaning, and NeonPanel (Laravel) reads `input()` from the query string and the body alike,
 * so a GET's JSON body is moved into the query string (by `UpstreamRequest`). This keeps the
 * generated types (which require `body` for that operation) and the wire format both honest.
 */

/**
 * The URL with a GET or HEAD request's JSON object body moved into its query string, or
 * undefined when the rule does not apply (another method, or a body that is not a JSON object).
 */
export function moveGetBodyToQuery(url: string, method: string, body: string): string | undefined {
  if (method !== 'GET' && method !== 'HEAD') return undefined;
  let fields: unknown;
  try {
    fields = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) return undefined;
  const moved = new URL(url);
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      moved.searchParams.append(name, typeof item === 'object' ? JSON.stringify(item) : String(item));
    }
  }
  return moved.href;
}
