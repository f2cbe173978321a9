/** What every scenario gets, and the measuring helpers they share. */
import type { BenchOptions } from '../options.js';
import type { LaunchOptions, ServerHandle } from '../servers/launch.js';
import type { LoadWorker, LoadWorkerOptions } from '../load/client.js';
import type { LoadResult } from '../load/jobs.js';
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
