import { LatencyRecorder } from '../../bench/load/stats.js';
import { pooledLatency } from '../../bench/scenarios/context.js';
import type { LoadResult } from '../../bench/load/jobs.js';

function turn(samples: number[], keep: boolean): LoadResult {
  const recorder = LatencyRecorder.pooled([samples]);
  return {
    requests: samples.length,
    operations: samples.length,
    durationS: 1,
    latencyMs: recorder.summary(),
    non2xx: 0,
    errors: 0,
    mismatches: 0,
    statusCodes: { '200': samples.length },
    ...(keep ? { samplesMs: recorder.samples() } : {}),
  };
}

// A quiet turn and a short slow one: the pooled percentiles are those of all 1,020 requests,
// where the median of the two turns' percentiles would put p50 and p99 halfway between them.
const quiet = Array.from({ length: 1000 }, () => 1);
const slow = Array.from({ length: 20 }, () => 100);

describe('pooledLatency', () => {
  it('takes percentiles over every request of every turn when the turns kept their samples', () => {
    const summary = pooledLatency([turn(quiet, true), turn(slow, true)]);
    expect(summary.p50).toBe(1);
    expect(summary.p99).toBe(100);
    expect(summary.max).toBe(100);
    expect(summary.mean).toBeCloseTo((1000 + 20 * 100) / 1020, 9);
  });

  it('falls back to the median of the turns when any turn has no samples', () => {
    const summary = pooledLatency([turn(quiet, true), turn(slow, false)]);
    expect(summary.p50).toBe(50.5);
    expect(summary.p99).toBe(50.5);
    expect(summary.max).toBe(100);
  });
});

describe('LatencyRecorder', () => {
  it('returns every sample past its initial capacity, in order', () => {
    const values = Array.from({ length: 5000 }, (_, i) => i / 10);
    const recorder = LatencyRecorder.pooled([values.slice(0, 2500), values.slice(2500)]);
    expect(recorder.size).toBe(5000);
    expect(recorder.samples()).toEqual(values);
  });
});
