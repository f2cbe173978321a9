/**
 * The duration histograms aggregated outside the SDK (src/telemetry/histograms.ts): buckets,
 * totals, the series limit, and what a cumulative and a delta reader are each given, through
 * the SDK's own MetricReader so the data is what the exporters receive.
 */
import { describe, expect, it } from '@jest/globals';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, MeterProvider, MetricReader, type Histogram, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { DurationHistogram, histogramProducer, OVERFLOW_ATTRIBUTES } from '../../src/telemetry/histograms.js';

class PullReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

const descriptor = { name: 'test.duration', unit: 's', description: 'durations' };
const resource = resourceFromAttributes({ 'service.name': 'test' });

/** A histogram behind an SDK MeterProvider and reader, as telemetry.ts wires it. */
function wired(temporality: AggregationTemporality, boundaries = [0.01, 0.1, 1], limit?: number) {
  const histogram = new DurationHistogram(descriptor, boundaries, limit);
  const reader = new PullReader({ metricProducers: [histogramProducer([histogram], resource, { name: 'test' }, temporality)] });
  const provider = new MeterProvider({ resource, readers: [reader] });
  const points = async () => {
    const { resourceMetrics } = await reader.collect();
    return pointsOf(resourceMetrics);
  };
  return { histogram, points, provider };
}

function pointsOf(metrics: ResourceMetrics) {
  return metrics.scopeMetrics.flatMap((scope) => scope.metrics.filter((m) => m.descriptor.name === descriptor.name).flatMap((m) => {
    expect(m.dataPointType).toBe(DataPointType.HISTOGRAM);
    return m.dataPoints.map((p) => ({ attributes: p.attributes, value: p.value as Histogram, temporality: m.aggregationTemporality }));
  }));
}

describe('DurationHistogram', () => {
  it('counts a value in the first bucket whose bound is at or above it, and keeps count, sum, min and max', async () => {
    const { histogram, points } = wired(AggregationTemporality.CUMULATIVE);
    const series = histogram.seriesFor('a', () => ({ route: '/mcp' }));
    for (const v of [0.005, 0.01, 0.011, 0.1, 0.5, 7]) series.record(v);
    const [point] = await points();
    expect(point!.attributes).toEqual({ route: '/mcp' });
    expect(point!.value.buckets).toEqual({ boundaries: [0.01, 0.1, 1], counts: [2, 2, 1, 1] });
    expect(point!.value.count).toBe(6);
    expect(point!.value.sum).toBeCloseTo(7.626, 10);
    expect(point!.value.min).toBe(0.005);
    expect(point!.value.max).toBe(7);
  });

  it('one series per key, its labels made once', async () => {
    const { histogram, points } = wired(AggregationTemporality.CUMULATIVE);
    let made = 0;
    const labels = (route: string) => () => {
      made += 1;
      return { route };
    };
    histogram.seriesFor('x', labels('/x')).record(0.2);
    histogram.seriesFor('x', labels('/x')).record(0.3);
    histogram.seriesFor('y', labels('/y')).record(0.4);
    expect(made).toBe(2);
    const all = await points();
    expect(all.map((p) => [p.attributes['route'], p.value.count])).toEqual([['/x', 2], ['/y', 1]]);
  });

  it('past its limit, new label sets share one overflow series; known ones keep their own', async () => {
    const { histogram, points } = wired(AggregationTemporality.CUMULATIVE, [1], 2);
    histogram.seriesFor('a', () => ({ k: 'a' })).record(0.5);
    histogram.seriesFor('b', () => ({ k: 'b' })).record(0.5);
    histogram.seriesFor('c', () => ({ k: 'c' })).record(0.5);
    histogram.seriesFor('d', () => ({ k: 'd' })).record(2);
    histogram.seriesFor('a', () => ({ k: 'a' })).record(0.5);
    const all = await points();
    expect(all.map((p) => [p.attributes, p.value.count])).toEqual([[{ k: 'a' }, 2], [{ k: 'b' }, 1], [OVERFLOW_ATTRIBUTES, 2]]);
  });
});

describe('histogramProducer', () => {
  it('cumulative: every collection gives the totals since the start', async () => {
    const { histogram, points } = wired(AggregationTemporality.CUMULATIVE);
    const series = histogram.seriesFor('a', () => ({}));
    series.record(0.05);
    expect((await points())[0]!.value.count).toBe(1);
    series.record(0.05);
    const [point] = await points();
    expect(point!.temporality).toBe(AggregationTemporality.CUMULATIVE);
    expect(point!.value.count).toBe(2);
    expect(point!.value.buckets.counts).toEqual([0, 2, 0, 0]);
  });

  it('delta: each collection gives what changed since the last, and leaves out series that did not change', async () => {
    const { histogram, points } = wired(AggregationTemporality.DELTA);
    const a = histogram.seriesFor('a', () => ({ k: 'a' }));
    const b = histogram.seriesFor('b', () => ({ k: 'b' }));
    a.record(0.05);
    a.record(2);
    b.record(0.005);
    const first = await points();
    expect(first.map((p) => [p.attributes['k'], p.value.count, p.value.buckets.counts])).toEqual([['a', 2, [0, 1, 0, 1]], ['b', 1, [1, 0, 0, 0]]]);
    a.record(0.5);
    const second = await points();
    expect(second).toHaveLength(1);
    expect(second[0]!.temporality).toBe(AggregationTemporality.DELTA);
    expect(second[0]!.value).toEqual({ buckets: { boundaries: [0.01, 0.1, 1], counts: [0, 0, 1, 0] }, count: 1, sum: 0.5 });
    expect(await points()).toEqual([]);
  });

  it('with nothing recorded, adds no metric at all', async () => {
    const { points, provider } = wired(AggregationTemporality.CUMULATIVE);
    provider.getMeter('m').createCounter('other').add(1);
    expect(await points()).toEqual([]);
  });
});
