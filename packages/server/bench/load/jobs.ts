/** What the bench asks its load worker to do, and what comes back. Shared by both sides of the IPC channel. */
import type { LatencySummary } from './stats.js';

/** One stretch of load and what the client saw. */
export interface LoadResult {
  /** Responses received (any status). */
  requests: number;
  /** Operations completed: a request, or for the cold profiles a whole sequence. */
  operations: number;
  durationS: number;
  /** Per HTTP request (autocannon) or per round trip (legacy SSE), in ms. */
  latencyMs: LatencySummary;
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  /** 2xx answers whose body was not a success (JSON-RPC error, tool error, wrong shape). */
  mismatches: number;
  statusCodes: Record<string, number>;
  /** Every 2xx latency in ms, when the job asked for them (`keepSamples`). */
  samplesMs?: number[];
}

/**
 * The request mixes autocannon sends, one per connection, looped:
 * - `call`: tools/call on the trivial tool (with the connection's own session when `sessions` is set);
 * - `cold-stateless`: initialize, notifications/initialized, tools/list, tools/call;
 * - `cold-stateful`: the same with the session id initialize returned, then DELETE;
 * - `soak-churn`: `cold-stateful` plus an upstream tools/call before the DELETE;
 * - `upstream-call`: tools/call on `neonpanel_companies_list` (one NeonPanel GET);
 * - `upstream-direct`: that GET sent straight to the sandbox.
 */
export type CannonProfile = 'call' | 'modern-call' | 'cold-stateless' | 'cold-stateful' | 'soak-churn' | 'upstream-call' | 'upstream-direct';

export interface CannonJob {
  url: string;
  profile: CannonProfile;
  connections: number;
  durationS: number;
  /** One per connection, round robin. */
  tokens: string[];
  /** Use the sessions opened by `openSessions` (streamable), one per connection. */
  sessions?: boolean;
  /** Return every latency, so that turns can be pooled into one percentile over all their requests. */
  keepSamples?: boolean;
}

export interface OpenSessionsJob {
  url: string;
  transport: 'streamable' | 'sse';
  count: number;
  tokens: string[];
  /** Streamable only: also open the session's GET /mcp stream. (Legacy SSE sessions are streams.) */
  stream: boolean;
  /** Sessions being opened at once. */
  parallel: number;
}

export interface OpenSessionsResult {
  opened: number;
  failed: number;
  /** The first failure, for the report. */
  firstError?: string;
  durationS: number;
}

/** tools/call round trips over the legacy SSE sessions already open: POST /messages, answer on the stream. */
export interface SseCallsJob {
  durationS: number;
}

export interface SoakJob {
  url: string;
  durationS: number;
  tokens: string[];
  /** autocannon connections on long-lived sessions doing tools/call. */
  steadyConnections: number;
  /** autocannon connections running whole sessions: initialize … DELETE, with an upstream call. */
  churnConnections: number;
  /** Loops that open a legacy SSE session, make a few calls and close it. */
  sseLoops: number;
  /** Loops that open a GET /mcp stream on a new session, hold it briefly and close both. */
  streamLoops: number;
}

export interface SoakResult {
  steady: LoadResult;
  churn: LoadResult;
  sse: { sessions: number; calls: number; failures: number; firstError?: string };
  streams: { opened: number; failures: number; firstError?: string };
}
