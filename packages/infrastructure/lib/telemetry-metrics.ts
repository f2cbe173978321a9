/**
 * The server's metric and label names (packages/server/src/telemetry/vocabulary.ts), as the
 * collector writes them to CloudWatch, and the dimension sets each is published with. One
 * list feeds the collector's EMF declarations, the dashboard and the alarms; a test checks it
 * against the server's vocabulary so a rename cannot silently empty a graph.
 */

export const GATEWAY_METRICS = {
  requestDuration: 'mcp.http.request.duration',
  authFailures: 'mcp.auth.failures',
  toolDuration: 'mcp.tool.duration',
  upstreamDuration: 'neonpanel.request.duration',
  upstreamRetries: 'neonpanel.request.retries',
  sessionsOpen: 'mcp.sessions.open',
  streamsOpen: 'mcp.streams.open',
  limitRefusals: 'mcp.limit.refusals',
  storeErrors: 'mcp.store.errors',
} as const;

export const GATEWAY_LABELS = {
  route: 'http.route',
  era: 'mcp.era',
  status: 'http.response.status_code',
  reason: 'reason',
  tool: 'mcp.tool.name',
  outcome: 'outcome',
  operation: 'url.template',
  upstreamOutcome: 'neonpanel.outcome',
  limit: 'limit',
  storeOperation: 'operation',
} as const;

/**
 * Dimension sets per metric (CloudWatch aggregates the data points of every task that share
 * one). `[]` is the metric with no dimension: the total.
 */
export const METRIC_DIMENSIONS: ReadonlyArray<{ metric: string; dimensions: string[][] }> = [
  { metric: GATEWAY_METRICS.requestDuration, dimensions: [[GATEWAY_LABELS.route, GATEWAY_LABELS.era], [GATEWAY_LABELS.route, GATEWAY_LABELS.status], []] },
  { metric: GATEWAY_METRICS.authFailures, dimensions: [[GATEWAY_LABELS.reason], []] },
  { metric: GATEWAY_METRICS.toolDuration, dimensions: [[GATEWAY_LABELS.tool, GATEWAY_LABELS.outcome], [GATEWAY_LABELS.outcome]] },
  { metric: GATEWAY_METRICS.upstreamDuration, dimensions: [[GATEWAY_LABELS.operation, GATEWAY_LABELS.upstreamOutcome], [GATEWAY_LABELS.upstreamOutcome], []] },
  { metric: GATEWAY_METRICS.upstreamRetries, dimensions: [[GATEWAY_LABELS.operation], []] },
  { metric: GATEWAY_METRICS.sessionsOpen, dimensions: [[]] },
  { metric: GATEWAY_METRICS.streamsOpen, dimensions: [[]] },
  { metric: GATEWAY_METRICS.limitRefusals, dimensions: [[GATEWAY_LABELS.limit]] },
  { metric: GATEWAY_METRICS.storeErrors, dimensions: [[GATEWAY_LABELS.storeOperation]] },
];

/** Auth failure reasons the spike alarm sums (see `authFailureAlarmThreshold`). */
export const ALARMED_AUTH_REASONS = [
  'malformed',
  'wrong_issuer',
  'wrong_audience',
  'client_not_allowed',
  'bad_signature',
  'unknown_key',
  'verifier_unavailable',
  'upstream_rejected',
] as const;

/** NeonPanel outcomes that count as NeonPanel failing (the error-rate alarm's numerator). */
export const UPSTREAM_FAILURE_OUTCOMES = ['server_error', 'timeout', 'network'] as const;
