/**
 * OpenTelemetry for the gateway: the instruments, the spans and the W3C trace context, behind
 * one small interface the rest of the server calls at one point per concern.
 *
 * - Off (the default): `disabledTelemetry`. Nothing is registered with the OpenTelemetry API,
 *   the wiring installs no middleware and no hooks (`enabled` is false), so no label is ever
 *   computed; the few calls that remain (`recordStoreError`, `recordLimitRefusal`) are empty.
 * - On: an SDK MeterProvider and TracerProvider owned by this server (not registered
 *   globally, so two servers in one test process do not mix).
 *
 * The trace context travels EXPLICITLY (an opaque `TraceParent` handed from the HTTP request to
 * the dispatcher's CallMeta, the tool context and the NeonPanel client), never through a global
 * context manager. OpenTelemetry's AsyncLocalStorage manager would make `context.active()`
 * work anywhere, but on Node 20 AsyncLocalStorage runs on async_hooks and turns on promise
 * hooks for every promise in the process, telemetry's or not. On this promise-heavy request
 * path that cost about 30-60 µs of server CPU per trivial authenticated `tools/call` on the
 * 2025-era Streamable HTTP path (paired runs, Node 20.20, 2 shared cores: telemetry on added
 * 126-206 µs per call with the manager, 83-144 µs without it; 72-115 vs 56-95 µs once /mcp ran
 * on node:http), a quarter to a third of telemetry's whole cost; on the 2026-07-28 path the
 * difference stayed within the machine's noise. So every span here is
 * started with an explicit parent (`tracer.startSpan(name, options, parent)`), and only the
 * calls that take a context are used (`trace.setSpan`, `propagator.inject`/`extract`).
 *
 * Labels are low-cardinality by construction (vocabulary.ts); no token, Authorization header,
 * subject or company id is ever an attribute.
 */
import type { IncomingHttpHeaders } from 'node:http';
import {
  INVALID_SPAN_CONTEXT,
  ROOT_CONTEXT,
  trace,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  type Context,
  type Counter,
  type Span,
  type SpanOptions,
  type TextMapGetter,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, type AggregationTemporality, type IMetricReader, type MetricProducer } from '@opentelemetry/sdk-metrics';
import {
  AlwaysOnSampler,
  BasicTracerProvider,
  ParentBasedSampler,
  RandomIdGenerator,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { TraceParent, UpstreamCallObservation, UpstreamObserver } from '../neonpanel/types.js';
import { createFollowBudget } from './followBudget.js';
import { SERVICE_NAME, VERSION } from '../version.js';
import { DurationHistogram, histogramProducer } from './histograms.js';
import { DURATION_BUCKETS_SECONDS, LABELS, METRICS, upstreamOutcomeLabel } from './vocabulary.js';

/** One HTTP request being observed. */
export interface RequestObservation {
  /** The request span's trace context: the parent of everything the request does below it. */
  readonly context: TraceParent;
  end(status: number, era: string): void;
}

/** Live counts read when metrics are collected. */
export interface OpenCounts {
  sessions(): number;
  streams(): number;
}

export interface Telemetry {
  /** False: install no middleware or hooks at all. */
  readonly enabled: boolean;
  /**
   * Starts a request: its span continues a client's `traceparent` header when there is one. A
   * sampled one is followed only if `authenticated()` says so when the span is needed (the
   * context is first read, or the request ends), and within the follow budget.
   */
  startRequest(method: string, route: string, headers: IncomingHttpHeaders, traced: boolean, authenticated?: () => boolean): RequestObservation;
  recordAuthFailure(reason: string): void;
  /**
   * Runs a tool call in its own span under `parent` (a root when absent), and records its
   * duration and outcome. `run` gets the tool span's trace context, for its NeonPanel calls.
   */
  observeTool<T>(name: string, run: (outcome: (outcome: string) => void, trace: TraceParent) => Promise<T>, parent: TraceParent | undefined): Promise<T>;
  /** NeonPanel calls: a client span each, `traceparent` propagated, duration, status, retries. */
  readonly upstream: UpstreamObserver;
  /**
   * The parent of one JSON-RPC request's work: the trace context its `params._meta` carries
   * (SEP-414 keys) when there is one, else `fallback` (the HTTP request's).
   */
  traceParentOf(params: unknown, fallback: TraceParent | undefined): TraceParent | undefined;
  observeOpen(counts: OpenCounts): void;
  /** A refusal by a limit (rate, batch, sessions); issue 14's limits call this. */
  recordLimitRefusal(limit: string): void;
  /** A failed operation on the shared store; issue 14's store calls this. */
  recordStoreError(operation: string): void;
  /** Flushes and stops the exporters. */
  shutdown(): Promise<void>;
}

const noop = (): void => {};

/** A TraceParent is an OpenTelemetry Context; only this module knows (see neonpanel/types.ts). */
const asTraceParent = (ctx: Context): TraceParent => ctx as unknown as TraceParent;
const contextOf = (parent: TraceParent | undefined): Context => (parent as unknown as Context | undefined) ?? ROOT_CONTEXT;
const ROOT_TRACE = asTraceParent(ROOT_CONTEXT);

/**
 * A new trace that head sampling left out: a span that is not sampled and has no ids. Nothing
 * is made under it (isUnsampled), and its ids are only minted when a NeonPanel call needs a
 * `traceparent` (see `upstream.start`). Making an SDK span here instead, for the nine requests
 * in ten that are not sampled, cost two random ids, a sampler call, a span object and a
 * context per request, for ids no one records.
 */
const UNSAMPLED_ROOT: Context = trace.setSpan(ROOT_CONTEXT, trace.wrapSpanContext(INVALID_SPAN_CONTEXT));

/** A context whose span (local or remote) is known and not sampled; a root context is not. */
function isUnsampled(ctx: Context): boolean {
  const span = trace.getSpan(ctx);
  return span !== undefined && (span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0;
}

/** `parent` with `span` as its current span; `parent` itself when there is no span. */
const withSpan = (parent: Context, span: Span | undefined): Context => (span ? trace.setSpan(parent, span) : parent);

/** Telemetry off: every method is empty, and `enabled` tells the wiring to install nothing. */
export const disabledTelemetry: Telemetry = Object.freeze({
  enabled: false,
  startRequest: () => ({ context: ROOT_TRACE, end: noop }),
  recordAuthFailure: noop,
  observeTool: <T>(_name: string, run: (outcome: (outcome: string) => void, trace: TraceParent) => Promise<T>, parent: TraceParent | undefined) =>
    run(noop, parent ?? ROOT_TRACE),
  upstream: { start: () => ({ retried: noop, end: noop }) },
  traceParentOf: (_params: unknown, fallback: TraceParent | undefined) => fallback,
  observeOpen: noop,
  recordLimitRefusal: noop,
  recordStoreError: noop,
  shutdown: async () => {},
});

/** A producer of the duration histograms (histograms.ts) for a reader of the given temporality. */
export type HistogramProducerFor = (temporality: AggregationTemporality) => MetricProducer;

export interface TelemetryOptions {
  /**
   * Where metrics go: a periodic OTLP reader, the Prometheus exporter, or a test reader. Each
   * reader is built with `histograms(its temporality)` among its `metricProducers`, since the
   * duration histograms are aggregated outside the SDK (histograms.ts says why).
   */
  metricReaders: (histograms: HistogramProducerFor) => IMetricReader[];
  /** Where finished spans go (batch to OTLP, console, or an in-memory test exporter). */
  spanProcessors: SpanProcessor[];
  /** Head sampling for traces a client did not start, and for client-sampled ones not followed. */
  traceSampleRatio: number;
  /**
   * TRACE_FOLLOW_MAX_PER_SECOND: client-sampled traces followed per second, on authenticated
   * requests only. Past it (or unauthenticated) head sampling decides, in the client's trace.
   */
  followedTracesPerSecond: number;
  /** The follow budget's clock (tests). */
  now?: () => number;
}

const headerGetter: TextMapGetter<IncomingHttpHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};

/** `_meta` values are JSON: only strings count as trace context. */
const metaGetter: TextMapGetter<Record<string, unknown>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    return typeof value === 'string' ? value : undefined;
  },
};

export function createTelemetry(options: TelemetryOptions): Telemetry {
  const resource = resourceFromAttributes({ 'service.name': SERVICE_NAME, 'service.version': VERSION });
  const requestDuration = new DurationHistogram({ name: METRICS.requestDuration, unit: 's', description: 'HTTP requests by route, method, protocol era and status' }, DURATION_BUCKETS_SECONDS);
  const toolDuration = new DurationHistogram({ name: METRICS.toolDuration, unit: 's', description: 'Tool calls by tool and outcome' }, DURATION_BUCKETS_SECONDS);
  const upstreamDuration = new DurationHistogram({ name: METRICS.upstreamDuration, unit: 's', description: 'NeonPanel requests by operation, method and status' }, DURATION_BUCKETS_SECONDS);
  const scope = { name: SERVICE_NAME, version: VERSION };
  const histograms = [requestDuration, toolDuration, upstreamDuration];
  const meterProvider = new MeterProvider({
    resource,
    readers: options.metricReaders((temporality) => histogramProducer(histograms, resource, scope, temporality)),
  });
  const tracerProvider = new BasicTracerProvider({
    resource,
    // Roots are decided in `newTraceOr` below, before any span is made; a span the SDK is asked
    // for as a root is one head sampling kept.
    sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }),
    spanProcessors: options.spanProcessors,
  });
  const meter = meterProvider.getMeter(SERVICE_NAME, VERSION);
  const tracer: Tracer = tracerProvider.getTracer(SERVICE_NAME, VERSION);
  const propagator = new W3CTraceContextPropagator();

  const authFailures: Counter = meter.createCounter(METRICS.authFailures, { description: 'Refused authentications by reason' });
  const upstreamRetries: Counter = meter.createCounter(METRICS.upstreamRetries, { description: 'Retried NeonPanel attempts by operation' });
  const limitRefusals: Counter = meter.createCounter(METRICS.limitRefusals, { description: 'Requests refused by a limit' });
  const storeErrors: Counter = meter.createCounter(METRICS.storeErrors, { description: 'Failed shared-store operations' });

  const seconds = (startedAt: number): number => (performance.now() - startedAt) / 1000;
  const ids = new RandomIdGenerator();

  /**
   * `ctx` itself when it carries a span; otherwise a new trace starts here, and head sampling
   * (TRACE_SAMPLE_RATIO) decides it: kept, the root context (the SDK then makes a recorded
   * root span); left out, UNSAMPLED_ROOT. The SDK's TraceIdRatioBasedSampler decides from the
   * trace id, which only helps when another service decides the same trace from the same id;
   * a root's id is made here, so a random draw decides it as well, before any id exists.
   */
  function newTraceOr(ctx: Context): Context {
    if (trace.getSpan(ctx) !== undefined) return ctx;
    return Math.random() < options.traceSampleRatio ? ctx : UNSAMPLED_ROOT;
  }

  const followBudget = createFollowBudget(options.followedTracesPerSecond, options.now);

  /**
   * A client's sampled trace costs us spans and X-Ray money at the client's will, so it is
   * followed only for an authenticated caller and within the budget. Otherwise the trace id is
   * kept (logs and NeonPanel still correlate) and head sampling decides, as for our own roots.
   */
  function admitRemote(ctx: Context, authenticated: boolean): Context {
    const remote = trace.getSpanContext(ctx);
    if (!remote?.isRemote || (remote.traceFlags & TraceFlags.SAMPLED) === 0) return newTraceOr(ctx);
    if (authenticated && followBudget.take()) return ctx;
    const kept = Math.random() < options.traceSampleRatio;
    return trace.setSpan(ROOT_CONTEXT, trace.wrapSpanContext({ ...remote, traceFlags: kept ? TraceFlags.SAMPLED : TraceFlags.NONE }));
  }

  function endSpan(span: Span, failed: boolean): void {
    if (failed) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  }

  /**
   * A child span under `parent`, or none when the parent is known and unsampled. There the
   * sampler (ParentBased) would make a span that records nothing and only mints an id no one
   * sees; the work runs in the parent's context instead, and NeonPanel is named the parent's
   * span. That is most tool and NeonPanel calls at the stack's 10 % head sampling.
   */
  function childSpan(name: string, options: SpanOptions, parent: Context): Span | undefined {
    return isUnsampled(parent) ? undefined : tracer.startSpan(name, options, parent);
  }

  const upstream: UpstreamObserver = {
    start(operation, method, headers, parent): UpstreamCallObservation {
      const startedAt = performance.now();
      const parentContext = newTraceOr(contextOf(parent));
      const span = childSpan(`NeonPanel ${method} ${operation}`, {
        kind: SpanKind.CLIENT,
        attributes: { [LABELS.method]: method, [LABELS.operation]: operation },
      }, parentContext);
      // Sampled or not, a trace's ids travel to NeonPanel. A trace head sampling left out gets
      // its ids now, unsampled: fresh for each NeonPanel call, since nothing of it is recorded.
      const sent = parentContext === UNSAMPLED_ROOT
        ? trace.setSpan(ROOT_CONTEXT, trace.wrapSpanContext({ traceId: ids.generateTraceId(), spanId: ids.generateSpanId(), traceFlags: TraceFlags.NONE }))
        : withSpan(parentContext, span);
      propagator.inject(sent, headers, {
        set: (carrier, key, value) => {
          carrier[key] = value;
        },
      });
      let retries = 0;
      return {
        retried() {
          retries += 1;
          upstreamRetries.add(1, { [LABELS.operation]: operation });
        },
        end(status) {
          upstreamDuration.seriesFor(`${operation} ${method} ${status}`, () => ({
            [LABELS.operation]: operation,
            [LABELS.method]: method,
            [LABELS.status]: String(status),
            [LABELS.upstreamOutcome]: upstreamOutcomeLabel(status),
          })).record(seconds(startedAt));
          if (!span) return;
          span.setAttribute(LABELS.status, String(status));
          if (retries > 0) span.setAttribute('neonpanel.retries', retries);
          endSpan(span, typeof status !== 'number' || status >= 400);
        },
      };
    },
  };

  return {
    enabled: true,
    startRequest(method, route, headers, traced, authenticated) {
      const startedAt = performance.now();
      // Untraced routes (health checks) make no span and start no trace.
      const inbound = !traced || headers['traceparent'] === undefined ? ROOT_CONTEXT : propagator.extract(ROOT_CONTEXT, headers, headerGetter);
      let span: Span | undefined;
      let requestContext: Context | undefined;
      const decide = (): Context => {
        if (requestContext) return requestContext;
        const parent = traced ? admitRemote(inbound, authenticated?.() === true) : ROOT_CONTEXT;
        // Made when needed, which for a client-sampled trace is after authentication: it starts when the request did.
        span = traced ? childSpan(`${method} ${route}`, { kind: SpanKind.SERVER, startTime: startedAt, attributes: { [LABELS.method]: method, [LABELS.route]: route } }, parent) : undefined;
        requestContext = withSpan(parent, span);
        return requestContext;
      };
      // Only a client-sampled trace waits for authentication; every other request decides now.
      if (((trace.getSpanContext(inbound)?.traceFlags ?? 0) & TraceFlags.SAMPLED) === 0) decide();
      return {
        get context() {
          return asTraceParent(decide());
        },
        end(status, era) {
          decide();
          requestDuration.seriesFor(`${route} ${method} ${era} ${status}`, () => ({
            [LABELS.route]: route,
            [LABELS.method]: method,
            [LABELS.era]: era,
            [LABELS.status]: status,
          })).record(seconds(startedAt));
          if (span) {
            span.setAttributes({ [LABELS.status]: status, [LABELS.era]: era });
            endSpan(span, status >= 500);
          }
        },
      };
    },
    recordAuthFailure(reason) {
      authFailures.add(1, { [LABELS.reason]: reason });
    },
    observeTool(name, run, parent) {
      const startedAt = performance.now();
      const parentContext = newTraceOr(contextOf(parent));
      const span = childSpan(`tools/call ${name}`, { kind: SpanKind.INTERNAL, attributes: { [LABELS.tool]: name } }, parentContext);
      let ended: string | undefined;
      const outcome = (value: string): void => {
        ended = value;
      };
      const finish = (): void => {
        const value = ended ?? 'tool_error';
        toolDuration.seriesFor(`${name} ${value}`, () => ({ [LABELS.tool]: name, [LABELS.outcome]: value })).record(seconds(startedAt));
        if (span) {
          span.setAttribute(LABELS.outcome, value);
          endSpan(span, value !== 'ok');
        }
      };
      const running = run(outcome, asTraceParent(withSpan(parentContext, span)));
      // Not `.finally`: it chains two more promises per call on this hot path.
      return running.then(
        (result) => {
          finish();
          return result;
        },
        (error: unknown) => {
          finish();
          throw error;
        },
      );
    },
    upstream,
    traceParentOf(params, fallback) {
      const meta = (params as { _meta?: unknown } | undefined)?._meta;
      if (meta === null || typeof meta !== 'object' || typeof (meta as Record<string, unknown>)['traceparent'] !== 'string') return fallback;
      // A trace the client names per message wins over the HTTP header's (one POST may batch
      // several); a malformed one leaves the HTTP request's in place, as `extract` returns its base.
      const base = contextOf(fallback);
      const named = propagator.extract(base, meta as Record<string, unknown>, metaGetter);
      // Messages are dispatched past authentication; the budget still bounds what they force.
      return named === base ? fallback : asTraceParent(admitRemote(named, true));
    },
    observeOpen(counts) {
      meter.createObservableGauge(METRICS.sessionsOpen, { description: 'Open sessions in this process' })
        .addCallback((result) => result.observe(counts.sessions()));
      meter.createObservableGauge(METRICS.streamsOpen, { description: 'Open SSE streams in this process' })
        .addCallback((result) => result.observe(counts.streams()));
    },
    recordLimitRefusal(limit) {
      limitRefusals.add(1, { [LABELS.limit]: limit });
    },
    recordStoreError(operation) {
      storeErrors.add(1, { [LABELS.storeOperation]: operation });
    },
    async shutdown() {
      await Promise.allSettled([meterProvider.shutdown(), tracerProvider.shutdown()]);
    },
  };
}
