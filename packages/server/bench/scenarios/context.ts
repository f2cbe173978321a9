/** What every scenario gets, and the measuring helpers they share. */
import type { BenchOptions } from '../options.js';
import type { LaunchOptions, ServerHandle } from '../servers/launch.js';
import type { LoadWorker, LoadWorkerOptions } from '../load/client.js';
import type { LoadResult } from '../load/jobs.js';
import { LatencyRecorder, type LatencySummary } from '../load/stats.js';
import type { ProbeStats } from '../processes/probe.js';
import type { MemorySnapshot, Row } from '../results.js';

export interface ScenarioContext {
  options: BenchOptions;
  launch: LaunchOptions;
  worker: LoadWorkerOptions;
  /** Access tokens for the demo user alice (all scopes), one per load connection. */
  tokens: string[];
  /** Starts a load worker that is stopped with the scenario. */
  startWorker(extra?: Partial<LoadWorkerOptions>): LoadWorker;
  /** Registers a server to stop when the scenario ends. */
  own(server: ServerHandle): ServerHandle;
  log(message: string): void;
}

export interface Measured {
  load: LoadResult;
  cpuUs: number;
  peakRssBytes: number;
}

const RSS_SAMPLE_MS = 500;

/** Runs `load` and reads the server's CPU time around it and its peak RSS during it. */
export async function measure(server: ServerHandle, load: () => Promise<LoadResult>): Promise<Measured> {
  const before = await server.stats();
  let peakRssBytes = before.rssBytes;
  const sampler = setInterval(() => {
    server.stats().then((s) => {
      peakRssBytes = Math.max(peakRssBytes, s.rssBytes);
    }, () => {});
  }, RSS_SAMPLE_MS);
  let result: LoadResult;
  try {
    result = await load();
  } finally {
    clearInterval(sampler);
  }
  const after = await server.stats();
  return {
    load: result,
    cpuUs: after.cpuUserUs + after.cpuSystemUs - (before.cpuUserUs + before.cpuSystemUs),
    peakRssBytes: Math.max(peakRssBytes, after.rssBytes),
  };
}

/**
 * Measures several servers in `rounds` short turns each, in a rotating order, and pools each
 * server's turns: counts, durations and CPU are summed; latencies are over every request of
 * every turn when the turns kept their samples (`keepSamples`), else the median of the turns'
 * (p50, p90, p99, mean), and the largest (max). For ratios between servers under the same load:
 * on a shared machine whose speed drifts by tens of percent from one ten-second stretch to the
 * next, back-to-back runs put that drift into the ratio, while turns spread it over every server.
 */
export async function measureInterleaved<K extends string>(
  servers: Record<K, ServerHandle>,
  rounds: number,
  turn: (server: ServerHandle, key: K) => Promise<LoadResult>,
): Promise<Record<K, Measured>> {
  const keys = Object.keys(servers) as K[];
  const turns = new Map<K, Measured[]>(keys.map((k) => [k, []]));
  for (let round = 0; round < rounds; round += 1) {
    for (let i = 0; i < keys.length; i += 1) {
      const key = keys[(i + round) % keys.length]!;
      turns.get(key)!.push(await measure(servers[key], () => turn(servers[key], key)));
    }
  }
  return Object.fromEntries(keys.map((k) => [k, pooled(turns.get(k)!)])) as Record<K, Measured>;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** One latency summary for several turns: over all their requests when every turn kept its samples. */
export function pooledLatency(turns: readonly LoadResult[]): LatencySummary {
  const samples = turns.map((t) => t.samplesMs);
  if (samples.every((s): s is number[] => s !== undefined)) return LatencyRecorder.pooled(samples).summary();
  const latency = (f: (l: LoadResult) => number) => median(turns.map((t) => f(t)));
  return {
    p50: latency((l) => l.latencyMs.p50),
    p90: latency((l) => l.latencyMs.p90),
    p99: latency((l) => l.latencyMs.p99),
    mean: latency((l) => l.latencyMs.mean),
    max: Math.max(...turns.map((t) => t.latencyMs.max)),
  };
}

function pooled(turns: Measured[]): Measured {
  const sum = (f: (l: LoadResult) => number) => turns.reduce((total, t) => total + f(t.load), 0);
  const statusCodes: Record<string, number> = {};
  for (const t of turns) for (const [code, n] of Object.entries(t.load.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + n;
  return {
    load: {
      requests: sum((l) => l.requests),
      operations: sum((l) => l.operations),
      durationS: sum((l) => l.durationS),
      latencyMs: pooledLatency(turns.map((t) => t.load)),
      non2xx: sum((l) => l.non2xx),
      errors: sum((l) => l.errors),
      mismatches: sum((l) => l.mismatches),
      statusCodes,
    },
    cpuUs: turns.reduce((total, t) => total + t.cpuUs, 0),
    peakRssBytes: Math.max(...turns.map((t) => t.peakRssBytes)),
  };
}

/** A run counts as failed past this many bad answers: a few can fall on the cut at the end of a run. */
export function tooManyErrors(load: LoadResult): boolean {
  const bad = load.non2xx + load.errors + load.mismatches;
  return load.requests === 0 || bad > Math.max(5, load.requests * 0.001);
}

const MB = 1024 * 1024;

export function toRow(
  scenario: string,
  server: string,
  concurrency: number,
  unit: Row['unit'],
  measured: Measured,
): Row {
  const { load, cpuUs } = measured;
  return {
    scenario,
    server,
    concurrency,
    unit,
    opsPerSec: load.operations / load.durationS,
    reqPerSec: load.requests / load.durationS,
    p50Ms: load.latencyMs.p50,
    p99Ms: load.latencyMs.p99,
    cpuUsPerOp: load.operations > 0 ? cpuUs / load.operations : NaN,
    cpuUsPerRequest: load.requests > 0 ? cpuUs / load.requests : NaN,
    rssMb: measured.peakRssBytes / MB,
    requests: load.requests,
    durationS: load.durationS,
    errors: { non2xx: load.non2xx, transport: load.errors, mismatches: load.mismatches, statusCodes: load.statusCodes },
    failed: tooManyErrors(load),
  };
}

/** Sets `row.ratio` against `base` (same concurrency). */
export function compare(row: Row, base: Row): Row {
  row.baseline = `${base.scenario} / ${base.server}`;
  row.ratio = {
    throughput: row.opsPerSec / base.opsPerSec,
    p50: row.p50Ms / base.p50Ms,
    p99: row.p99Ms / base.p99Ms,
    cpu: row.cpuUsPerOp / base.cpuUsPerOp,
    rss: row.rssMb / base.rssMb,
  };
  return row;
}

export function snapshot(stats: ProbeStats): MemorySnapshot {
  return {
    rssMb: stats.rssBytes / MB,
    heapUsedMb: stats.heapUsedBytes / MB,
    externalMb: stats.externalBytes / MB,
    resources: stats.resources,
    ...(stats.counters ? { counters: stats.counters } : {}),
  };
}

/** A problem line for the report when a run had too many errors. */
export function runProblem(row: Row): string | undefined {
  if (!row.failed) return undefined;
  const { non2xx, transport, mismatches, statusCodes } = row.errors;
  return `${row.scenario} / ${row.server} @${row.concurrency}: ${row.requests} requests, ${non2xx} non-2xx, ${transport} connection errors, ${mismatches} bad bodies (status codes ${JSON.stringify(statusCodes)})`;
}
