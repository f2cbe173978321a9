/**
 * The contract declares a JSON request body on one GET (`getListings`: asin, id, search),
 * while its description says the filters travel as query parameters. Fetch cannot send a
 * body with GET, and NeonPanel (Laravel) reads `input()` from the query string and the body
 * alike, so a GET's JSON body is moved into the query string here. This keeps the generated
 * types (which require `body` for that operation) and the wire format both honest.
 */

/** What the `Request` constructor accepts as its first argument (the DOM lib's RequestInfo | URL). */
type RequestInput = ConstructorParameters<typeof Request>[0];

function urlOf(input: RequestInput): URL {
  if (typeof input === 'string') return new URL(input);
  if (input instanceof URL) return new URL(input.href);
  return new URL(input.url);
}

function withBodyInQuery(input: RequestInput, init: RequestInit | undefined): [RequestInput, RequestInit | undefined] {
  const method = (init?.method ?? 'GET').toUpperCase();
  if ((method !== 'GET' && method !== 'HEAD') || typeof init?.body !== 'string') return [input, init];
  let fields: unknown;
  try {
    fields = JSON.parse(init.body);
  } catch {
    return [input, init];
  }
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) return [input, init];
  const url = urlOf(input);
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      url.searchParams.append(name, typeof item === 'object' ? JSON.stringify(item) : String(item));
    }
  }
  const headers = new Headers(init.headers);
  headers.delete('content-type');
  const { body: _body, ...rest } = init;
  return [url, { ...rest, headers }];
}

/** A `Request` for openapi-fetch's `Request` option; identical to `Request` except for GET bodies. */
export class GetBodyAsQueryRequest extends Request {
  constructor(input: RequestInput, init?: RequestInit) {
    const [finalInput, finalInit] = withBodyInQuery(input, init);
    super(finalInput, finalInit);
  }
}
