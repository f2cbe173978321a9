/**
 * Telemetry with in-memory exporters, and readers for what it collected: each series as
 * `{ name, attributes, value }` (a counter's sum, a histogram's count, a gauge's value).
 */
import { AggregationTemporality, DataPointType, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createTelemetry, type Telemetry } from '../../src/telemetry/telemetry.js';

/** A pull reader: the test collects when it wants to look. */
class TestMetricReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

export interface Series {
  name: string;
  attributes: Record<string, unknown>;
  value: number;
}

export interface RecordingTelemetry {
  telemetry: Telemetry;
  /** Every series collected now. */
  series(): Promise<Series[]>;
  /** The value of the one series with this name whose attributes include `attributes`; 0 when none. */
  value(name: string, attributes?: Record<string, unknown>): Promise<number>;
  spans(): ReadableSpan[];
  /** Everything exported so far (metrics and spans), as text, for leak scans. */
  exportedText(): Promise<string>;
}

function flatten(metrics: ResourceMetrics): Series[] {
  const out: Series[] = [];
  for (const scope of metrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      for (const point of metric.dataPoints) {
        const value = metric.dataPointType === DataPointType.HISTOGRAM
          ? (point.value as { count: number }).count
          : point.value as number;
        out.push({ name: metric.descriptor.name, attributes: { ...point.attributes }, value });
      }
    }
  }
  return out;
}

/**
 * `traceSampleRatio`: head sampling of new traces; every one by default, so tests see every span.
 * `follow`: the budget for client-sampled traces (default far above what a test sends) and its clock.
 */
export function recordingTelemetry(traceSampleRatio = 1, follow: { perSecond?: number; now?: () => number } = {}): RecordingTelemetry {
  let reader!: TestMetricReader;
  const spans = new InMemorySpanExporter();
  const telemetry = createTelemetry({
    metricReaders: (histograms) => [(reader = new TestMetricReader({ metricProducers: [histograms(AggregationTemporality.CUMULATIVE)] }))],
    spanProcessors: [new SimpleSpanProcessor(spans)],
    traceSampleRatio,
    followedTracesPerSecond: follow.perSecond ?? 1_000,
    ...(follow.now ? { now: follow.now } : {}),
  });
  const collected = async (): Promise<ResourceMetrics> => (await reader.collect()).resourceMetrics;
  const series = async () => flatten(await collected());
  return {
    telemetry,
    series,
    async value(name, attributes = {}) {
      const matching = (await series()).filter((s) => s.name === name
        && Object.entries(attributes).every(([k, v]) => s.attributes[k] === v));
      return matching.reduce((sum, s) => sum + s.value, 0);
    },
    spans: () => spans.getFinishedSpans(),
    async exportedText() {
      const metrics = await collected();
      const spanData = spans.getFinishedSpans().map((s) => ({
        name: s.name,
        attributes: s.attributes,
        events: s.events,
        links: s.links,
        status: s.status,
        resource: s.resource.attributes,
        traceState: s.spanContext().traceState?.serialize(),
      }));
      return JSON.stringify({ metrics, spans: spanData });
    },
  };
}
