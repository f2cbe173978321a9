/**
 * The duration histograms, aggregated on the request path here and handed to the SDK's metric
 * readers at collection time, as a `MetricProducer` (the SDK's extension point for metrics it
 * did not aggregate itself).
 *
 * Why not the SDK's own `Histogram.record`: it finds a record's series by sorting the attribute
 * keys and JSON-encoding the set on every call, then walks four layers of storage. The request
 * and tool histograms are recorded on every `tools/call`. Moving them here cut the server's
 * main-thread instructions per trivial authenticated call with telemetry on (traces unsampled)
 * from 434-441k to 414-418k, against 370-376k with telemetry off: a third of telemetry's cost
 * (callgrind, 2,000 warm calls, runs one at a time). Here the caller names a series by a key
 * it builds from the labels, the series is looked up once per call in a Map, and a record is a
 * bucket scan and four additions. Everything else stays the SDK's: the readers, the
 * temporality each one asks for, the OTLP and Prometheus encodings, the export.
 */
import { ValueType, type Attributes, type HrTime } from '@opentelemetry/api';
import { hrTime, type InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  type CollectionResult,
  type DataPoint,
  type Histogram,
  type MetricData,
  type MetricProducer,
} from '@opentelemetry/sdk-metrics';

export interface HistogramDescriptor {
  readonly name: string;
  readonly description: string;
  readonly unit: string;
}

/** The attributes of the series that takes every label set past the limit, as the SDK names it. */
export const OVERFLOW_ATTRIBUTES: Attributes = Object.freeze({ 'otel.metric.overflow': true });

/** One label set's running totals since the process started (cumulative). */
export class HistogramSeries {
  /** `counts[i]` holds values ≤ `boundaries[i]` (and above the previous one); the last, the rest. */
  readonly counts: number[];
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;

  constructor(
    readonly attributes: Attributes,
    private readonly boundaries: readonly number[],
    readonly startTime: HrTime,
  ) {
    this.counts = new Array<number>(boundaries.length + 1).fill(0);
  }

  record(value: number): void {
    // A linear scan: a dozen boundaries, and most durations fall in the first few buckets.
    const boundaries = this.boundaries;
    let bucket = 0;
    while (bucket < boundaries.length && value > boundaries[bucket]!) bucket += 1;
    this.counts[bucket]! += 1;
    this.count += 1;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }
}

export class DurationHistogram {
  private readonly series = new Map<string, HistogramSeries>();
  private overflow: HistogramSeries | undefined;

  /**
   * @param limit label sets kept before the rest share one overflow series (the SDK's default
   *   cardinality limit, 2,000). The labels are low-cardinality by construction; this is the
   *   backstop that keeps memory bounded whatever a client sends.
   */
  constructor(
    readonly descriptor: HistogramDescriptor,
    readonly boundaries: readonly number[],
    private readonly limit = 2000,
  ) {}

  /**
   * The series of one label set. `key` must be unique per label set (the caller joins the
   * labels); `attributes` makes the labels, once, the first time the key is seen.
   */
  seriesFor(key: string, attributes: () => Attributes): HistogramSeries {
    const known = this.series.get(key);
    if (known !== undefined) return known;
    if (this.series.size >= this.limit) {
      this.overflow ??= new HistogramSeries(OVERFLOW_ATTRIBUTES, this.boundaries, hrTime());
      return this.overflow;
    }
    const made = new HistogramSeries(Object.freeze(attributes()), this.boundaries, hrTime());
    this.series.set(key, made);
    return made;
  }

  /** Every series with at least one record. */
  *allSeries(): IterableIterator<HistogramSeries> {
    yield* this.series.values();
    if (this.overflow) yield this.overflow;
  }
}

/** What a delta reader was last given for a series. */
interface Baseline {
  counts: number[];
  count: number;
  sum: number;
  time: HrTime;
}

/**
 * A producer for one reader, in the temporality that reader asks for. Cumulative: each series
 * since it was first recorded, min and max included. Delta: what changed since this reader's
 * last collection, for series that changed; min and max are left out, since the running
 * totals cannot say what they were within one interval (the data model makes them optional).
 */
export function histogramProducer(
  histograms: readonly DurationHistogram[],
  resource: Resource,
  scope: InstrumentationScope,
  temporality: AggregationTemporality,
): MetricProducer {
  const baselines = new WeakMap<HistogramSeries, Baseline>();

  function cumulativePoint(series: HistogramSeries, boundaries: number[], now: HrTime): DataPoint<Histogram> {
    return {
      startTime: series.startTime,
      endTime: now,
      attributes: series.attributes,
      value: { buckets: { boundaries, counts: [...series.counts] }, count: series.count, sum: series.sum, min: series.min, max: series.max },
    };
  }

  function deltaPoint(series: HistogramSeries, boundaries: number[], now: HrTime): DataPoint<Histogram> | undefined {
    const last = baselines.get(series);
    if (last !== undefined && last.count === series.count) return undefined;
    const counts = series.counts.map((count, i) => count - (last?.counts[i] ?? 0));
    const point: DataPoint<Histogram> = {
      startTime: last?.time ?? series.startTime,
      endTime: now,
      attributes: series.attributes,
      value: { buckets: { boundaries, counts }, count: series.count - (last?.count ?? 0), sum: series.sum - (last?.sum ?? 0) },
    };
    baselines.set(series, { counts: [...series.counts], count: series.count, sum: series.sum, time: now });
    return point;
  }

  return {
    async collect(): Promise<CollectionResult> {
      const now = hrTime();
      const metrics: MetricData[] = [];
      for (const histogram of histograms) {
        const boundaries = [...histogram.boundaries];
        const dataPoints: DataPoint<Histogram>[] = [];
        for (const series of histogram.allSeries()) {
          const point = temporality === AggregationTemporality.DELTA
            ? deltaPoint(series, boundaries, now)
            : cumulativePoint(series, boundaries, now);
          if (point) dataPoints.push(point);
        }
        if (dataPoints.length === 0) continue;
        metrics.push({
          descriptor: { ...histogram.descriptor, valueType: ValueType.DOUBLE },
          aggregationTemporality: temporality,
          dataPointType: DataPointType.HISTOGRAM,
          dataPoints,
        });
      }
      return { resourceMetrics: { resource, scopeMetrics: metrics.length ? [{ scope, metrics }] : [] }, errors: [] };
    },
  };
}
