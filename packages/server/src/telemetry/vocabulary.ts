/**
 * The names and label values operators see: metric names, span names and the few label
 * values each series may take. Data, so the dashboard, the tests and the code read one list.
 *
 * Every label here is low-cardinality by construction: a fixed word, an HTTP status, a tool
 * name from the registry, or an upstream path *template* (`/api/v1/companies/{companyUuid}`),
 * never a concrete path, a token, a subject or a company id.
 */
export const METRICS = {
  /** Histogram (s): every HTTP request, by route, method, era and status. */
  requestDuration: 'mcp.http.request.duration',
  /** Counter: refused authentications, by reason (auth/errors.ts AUTH_FAILURE_REASONS). */
  authFailures: 'mcp.auth.failures',
  /** Histogram (s): tool calls, by tool and outcome (tools/outcome.ts). */
  toolDuration: 'mcp.tool.duration',
  /** Histogram (s): NeonPanel calls, by operation template, method and status (or failure). */
  upstreamDuration: 'neonpanel.request.duration',
  /** Counter: retries of NeonPanel calls, by operation template. */
  upstreamRetries: 'neonpanel.request.retries',
  /** Gauge: open sessions in this process. */
  sessionsOpen: 'mcp.sessions.open',
  /** Gauge: open SSE streams in this process. */
  streamsOpen: 'mcp.streams.open',
  /** Counter: requests refused by a limit (rate, batch, sessions), by limit. */
  limitRefusals: 'mcp.limit.refusals',
  /** Counter: failed operations on the shared store, by operation. */
  storeErrors: 'mcp.store.errors',
} as const;

/** Label (attribute) keys; OpenTelemetry semantic-convention names where one exists. */
export const LABELS = {
  route: 'http.route',
  method: 'http.request.method',
  status: 'http.response.status_code',
  era: 'mcp.era',
  reason: 'reason',
  tool: 'mcp.tool.name',
  outcome: 'outcome',
  operation: 'url.template',
  upstreamOutcome: 'neonpanel.outcome',
  limit: 'limit',
  storeOperation: 'operation',
} as const;

/** Routes counted by name; everything else (public documents, 404s) is `other`. */
const ROUTES: ReadonlyMap<string, string> = new Map([
  ['/mcp', '/mcp'],
  ['/mcp/tools/call', '/mcp/tools/call'],
  ['/sse', '/sse'],
  ['/sse/', '/sse'],
  ['/messages', '/messages'],
  ['/health', '/health'],
  ['/healthz', '/healthz'],
]);

export function routeLabel(path: string): string {
  return ROUTES.get(path) ?? 'other';
}

/** Routes that are MCP traffic: they get a request span (health checks do not). */
export function isTracedRoute(route: string): boolean {
  return route !== 'other' && route !== '/health' && route !== '/healthz';
}

/**
 * The protocol era a request was served in, from what the client declared: a modern
 * `MCP-Protocol-Version` on `/mcp` is the 2026-07-28 era (mcp/eras.ts refuses a modern
 * request without it), anything else on an MCP route is legacy, the REST façade is `rest`.
 */
export function eraLabel(route: string, protocolVersion: string | string[] | undefined, modernVersions: readonly string[]): string {
  if (route === '/mcp/tools/call') return 'rest';
  if (route === '/mcp') return typeof protocolVersion === 'string' && modernVersions.includes(protocolVersion.trim()) ? 'modern' : 'legacy';
  if (route === '/sse' || route === '/messages') return 'legacy';
  return 'none';
}

/**
 * A NeonPanel call's outcome class, so "is NeonPanel failing" is one series per class:
 * `ok` (2xx/3xx), `client_error` (4xx, ours or the user's), `server_error` (5xx), `timeout`,
 * `network`, or why nothing was sent (`token_exchange`, `no_token`, `cancelled`).
 */
export function upstreamOutcomeLabel(status: number | string): string {
  if (typeof status === 'string') return status;
  if (status < 400) return 'ok';
  return status < 500 ? 'client_error' : 'server_error';
}

/** The outcomes that mean NeonPanel (or the way to it) failed: the error-rate alarm's numerator. */
export const UPSTREAM_FAILURE_OUTCOMES = ['server_error', 'timeout', 'network'] as const;

/**
 * The `mcp.tool.name` of a call to a tool this server does not offer: the name a client sent
 * is its own text, unbounded, and never becomes a label.
 */
export const UNKNOWN_TOOL_LABEL = 'unknown';

/** Histogram buckets in seconds: from a cached call (ms) to the upstream timeout (15 s+). */
export const DURATION_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Keys that carry W3C trace context in a request's `params._meta` (SEP-414, as MCP 2026-07-28 documents). */
export const META_TRACE_KEYS = ['traceparent', 'tracestate'] as const;
