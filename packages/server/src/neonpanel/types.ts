/**
 * What the rest of the server sees of the NeonPanel client. The implementation lives in
 * `client.ts`; tools depend only on this.
 */
import type { Client } from 'openapi-fetch';
import type { AuthInfo } from '../auth/types.js';
import type { paths } from './schema.js';

export type { paths };

declare const traceParentBrand: unique symbol;

/**
 * A W3C trace context, opaque outside `telemetry/` (which makes it): the parent of the spans
 * started below it. It is passed along the call chain explicitly, never kept in an ambient
 * async context (see telemetry/telemetry.ts for why). Undefined whenever telemetry is off.
 */
export interface TraceParent {
  readonly [traceParentBrand]: true;
}

/** Who is calling, for one upstream request. */
export interface UpstreamCallContext {
  auth: AuthInfo;
  /** Propagated upstream as `X-Request-Id`. */
  requestId: string;
  signal?: AbortSignal;
  /** The tool call's trace context: the parent of the upstream request's span. */
  trace?: TraceParent | undefined;
  /** Who the request is for (the token's `sub`): its share of the connection pool is bounded per user. */
  subject?: string | undefined;
  /**
   * Takes the caller's in-flight place for one NeonPanel request (the per-user limit counts
   * requests, not tool calls) and returns its release; throws to refuse, before anything is sent.
   */
  admit?: (() => Promise<() => void>) | undefined;
}

/**
 * A typed openapi-fetch client bound to one caller. Any non-2xx answer, timeout or network
 * failure is thrown as a `NeonPanelError`, so `data` is always set when a call returns.
 */
export type NeonPanelApi = Client<paths>;

export interface NeonPanelClient {
  forCaller(context: UpstreamCallContext): NeonPanelApi;
  /** Releases pooled connections. */
  close?(): Promise<void> | void;
}

/**
 * Watches every NeonPanel request (telemetry: a client span, a duration, retries). `start`
 * may add headers (W3C `traceparent`) before the first attempt; the request's span is a child
 * of `parent` (a root when absent). The operation is the path *template*, never the concrete
 * path: ids stay out of labels.
 */
export interface UpstreamObserver {
  start(operation: string, method: string, headers: Record<string, string>, parent: TraceParent | undefined): UpstreamCallObservation;
}

export interface UpstreamCallObservation {
  retried(): void;
  /** The final HTTP status, or why there is none (`timeout`, `network`, `cancelled`, …). */
  end(status: number | string): void;
}
