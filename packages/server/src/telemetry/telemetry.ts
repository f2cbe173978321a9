/**
 * OpenTelemetry for the gateway: the instruments, the spans and the W3C trace context, behind
 * one small interface the rest of the server calls at one point per concern.
 *
 * - Off (the default): `disabledTelemetry`. Nothing is registered with the OpenTelemetry API,
 *   the wiring installs no middleware and no hooks (`enabled` is false), so no label is ever
 *   computed; the few calls that remain (`recordStoreError`, `recordLimitRefusal`) are empty.
 * - On: an SDK MeterProvider and TracerProvider owned by this server (not registered
 *   globally, so two servers in one test process do not mix), and the AsyncLocalStorage
 *   context manager, so a NeonPanel call made deep inside a tool finds its parent span.
 *
 * Labels are low-cardinality by construction (vocabulary.ts); no token, Authorization header,
 * subject or company id is ever an attribute.
 */
import type { IncomingHttpHeaders } from 'node:http';
import {
  context,
  trace,
  SpanKind,
  SpanStatusCode,
  type Attributes,
  type Context,
  type Counter,
  type Histogram,
  type Span,
  type TextMapGetter,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, type IMetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { UpstreamCallObservation, UpstreamObserver } from '../neonpanel/types.js';
import { SERVICE_NAME, VERSION } from '../version.js';
import { DURATION_BUCKETS_SECONDS, LABELS, METRICS, upstreamOutcomeLabel } from './vocabulary.js';

/** One HTTP request being observed. */
export interface RequestObservation {
  /** The context the rest of the request runs in (its span is the parent of everything below). */
  readonly context: Context;
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
  /** Starts a request: its span continues a client's `traceparent` header when there is one. */
  startRequest(method: string, route: string, headers: IncomingHttpHeaders, traced: boolean): RequestObservation;
  recordAuthFailure(reason: string): void;
  /** Runs a tool call in its own span, and records its duration and outcome. */
  observeTool<T>(name: string, run: (outcome: (outcome: string) => void) => Promise<T>): Promise<T>;
  /** NeonPanel calls: a client span each, `traceparent` propagated, duration, status, retries. */
  readonly upstream: UpstreamObserver;
  /** Runs `handle` in the trace context a request's `params._meta` carries (SEP-414 keys), if any. */
  withRequestMeta(params: unknown, handle: () => void): void;
  observeOpen(counts: OpenCounts): void;
  /** A refusal by a limit (rate, batch, sessions); issue 14's limits call this. */
  recordLimitRefusal(limit: string): void;
  /** A failed operation on the shared store; issue 14's store calls this. */
  recordStoreError(operation: string): void;
  /** Flushes and stops the exporters. */
  shutdown(): Promise<void>;
}

const noop = (): void => {};

/** Telemetry off: every method is empty, and `enabled` tells the wiring to install nothing. */
export const disabledTelemetry: Telemetry = Object.freeze({
  enabled: false,
  startRequest: () => ({ context: context.active(), end: noop }),
  recordAuthFailure: noop,
  observeTool: <T>(_name: string, run: (outcome: (outcome: string) => void) => Promise<T>) => run(noop),
  upstream: { start: () => ({ retried: noop, end: noop }) },
  withRequestMeta: (_params: unknown, handle: () => void) => handle(),
  observeOpen: noop,
  recordLimitRefusal: noop,
  recordStoreError: noop,
  shutdown: async () => {},
});

export interface TelemetryOptions {
  /** Where metrics go: a periodic OTLP reader, the Prometheus exporter, or a test reader. */
  metricReaders: IMetricReader[];
  /** Where finished spans go (batch to OTLP, console, or an in-memory test exporter). */
  spanProcessors: SpanProcessor[];
  /** Head sampling for traces a client did not start; a sampled `traceparent` is always followed. */
  traceSampleRatio: number;
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

let contextManagerInstalled = false;

/** The AsyncLocalStorage context manager, once per process (the API keeps one global). */
function installContextManager(): void {
  if (contextManagerInstalled) return;
  contextManagerInstalled = context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
}

export function createTelemetry(options: TelemetryOptions): Telemetry {
  installContextManager();
  const resource = resourceFromAttributes({ 'service.name': SERVICE_NAME, 'service.version': VERSION });
  const meterProvider = new MeterProvider({ resource, readers: options.metricReaders });
  const tracerProvider = new BasicTracerProvider({
    resource,
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.traceSampleRatio) }),
    spanProcessors: options.spanProcessors,
  });
  const meter = meterProvider.getMeter(SERVICE_NAME, VERSION);
  const tracer: Tracer = tracerProvider.getTracer(SERVICE_NAME, VERSION);
  const propagator = new W3CTraceContextPropagator();
  const advice = { explicitBucketBoundaries: DURATION_BUCKETS_SECONDS };

  const requestDuration: Histogram = meter.createHistogram(METRICS.requestDuration, { unit: 's', description: 'HTTP requests by route, method, protocol era and status', advice });
  const authFailures: Counter = meter.createCounter(METRICS.authFailures, { description: 'Refused authentications by reason' });
  const toolDuration: Histogram = meter.createHistogram(METRICS.toolDuration, { unit: 's', description: 'Tool calls by tool and outcome', advice });
  const upstreamDuration: Histogram = meter.createHistogram(METRICS.upstreamDuration, { unit: 's', description: 'NeonPanel requests by operation, method and status', advice });
  const upstreamRetries: Counter = meter.createCounter(METRICS.upstreamRetries, { description: 'Retried NeonPanel attempts by operation' });
  const limitRefusals: Counter = meter.createCounter(METRICS.limitRefusals, { description: 'Requests refused by a limit' });
  const storeErrors: Counter = meter.createCounter(METRICS.storeErrors, { description: 'Failed shared-store operations' });

  const seconds = (startedAt: number): number => (performance.now() - startedAt) / 1000;

  function endSpan(span: Span, failed: boolean): void {
    if (failed) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  }

  const upstream: UpstreamObserver = {
    start(operation, method, headers): UpstreamCallObservation {
      const startedAt = performance.now();
      const span = tracer.startSpan(`NeonPanel ${method} ${operation}`, {
        kind: SpanKind.CLIENT,
        attributes: { [LABELS.method]: method, [LABELS.operation]: operation },
      });
      // The upstream sees this call's span as its parent (sampled or not, the ids travel).
      propagator.inject(trace.setSpan(context.active(), span), headers, { set: (carrier, key, value) => carrier.set(key, value) });
      let retries = 0;
      return {
        retried() {
          retries += 1;
          upstreamRetries.add(1, { [LABELS.operation]: operation });
        },
        end(status) {
          const attributes: Attributes = {
            [LABELS.operation]: operation,
            [LABELS.method]: method,
            [LABELS.status]: String(status),
            [LABELS.upstreamOutcome]: upstreamOutcomeLabel(status),
          };
          upstreamDuration.record(seconds(startedAt), attributes);
          span.setAttribute(LABELS.status, String(status));
          if (retries > 0) span.setAttribute('neonpanel.retries', retries);
          endSpan(span, typeof status !== 'number' || status >= 400);
        },
      };
    },
  };

  return {
    enabled: true,
    startRequest(method, route, headers, traced) {
      const startedAt = performance.now();
      const parent = headers['traceparent'] === undefined ? context.active() : propagator.extract(context.active(), headers, headerGetter);
      const span = traced
        ? tracer.startSpan(`${method} ${route}`, { kind: SpanKind.SERVER, attributes: { [LABELS.method]: method, [LABELS.route]: route } }, parent)
        : undefined;
      return {
        context: span ? trace.setSpan(parent, span) : parent,
        end(status, era) {
          requestDuration.record(seconds(startedAt), { [LABELS.route]: route, [LABELS.method]: method, [LABELS.era]: era, [LABELS.status]: status });
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
    observeTool(name, run) {
      const startedAt = performance.now();
      const span = tracer.startSpan(`tools/call ${name}`, { kind: SpanKind.INTERNAL, attributes: { [LABELS.tool]: name } });
      let ended: string | undefined;
      const outcome = (value: string): void => {
        ended = value;
      };
      const finish = (): void => {
        const value = ended ?? 'tool_error';
        toolDuration.record(seconds(startedAt), { [LABELS.tool]: name, [LABELS.outcome]: value });
        span.setAttribute(LABELS.outcome, value);
        endSpan(span, value !== 'ok');
      };
      return context.with(trace.setSpan(context.active(), span), () => run(outcome)).finally(finish);
    },
    upstream,
    withRequestMeta(params, handle) {
      const meta = (params as { _meta?: unknown } | undefined)?._meta;
      if (meta === null || typeof meta !== 'object' || typeof (meta as Record<string, unknown>)['traceparent'] !== 'string') {
        handle();
        return;
      }
      // A trace the client names per message wins over the HTTP header's (one POST may batch several).
      context.with(propagator.extract(context.active(), meta as Record<string, unknown>, metaGetter), handle);
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
