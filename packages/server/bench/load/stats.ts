/** Latency recording with sub-millisecond precision (autocannon's own histogram keeps whole ms). */

export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  mean: number;
  max: number;
}

export class LatencyRecorder {
  private values = new Float64Array(4096);
  private count = 0;

  /** A latency in milliseconds. */
  add(ms: number): void {
    if (this.count === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.count++] = ms;
  }

  get size(): number {
    return this.count;
  }

  /** Every latency recorded, in arrival order. */
  samples(): number[] {
    return Array.from(this.values.subarray(0, this.count));
  }

  /** A recorder holding all of `parts`' latencies, as if one run had recorded them. */
  static pooled(parts: readonly (readonly number[])[]): LatencyRecorder {
    const recorder = new LatencyRecorder();
    for (const part of parts) for (const ms of part) recorder.add(ms);
    return recorder;
  }

  summary(): LatencySummary {
    if (this.count === 0) return { p50: NaN, p90: NaN, p99: NaN, mean: NaN, max: NaN };
    const sorted = this.values.slice(0, this.count).sort();
    const at = (q: number): number => sorted[Math.min(this.count - 1, Math.ceil(q * this.count) - 1)]!;
    let sum = 0;
    for (const v of sorted) sum += v;
    return { p50: at(0.5), p90: at(0.9), p99: at(0.99), mean: sum / this.count, max: sorted[this.count - 1]! };
  }
}
