import type { TokenCacheFigure } from './micro/tokenCache.js';
import type { ServerPerProcessFigure } from './micro/serverPerProcess.js';
/** Every figure the bench produces: what the table prints and `--out` writes. */

export interface Ratio {
  /** ours ÷ baseline: above 1 is better. */
  throughput: number;
  /** ours ÷ baseline: below 1 is better (likewise p99, cpu, rss). */
  p50: number;
  p99: number;
  cpu: number;
  rss: number;
}

export interface Row {
  scenario: string;
  server: string;
  concurrency: number;
  /** What one operation is: an HTTP request, a legacy SSE round trip, or a whole cold session. */
  unit: 'request' | 'round trip' | 'sequence';
  /** Operations per second. */
  opsPerSec: number;
  /** HTTP requests per second (equals opsPerSec unless unit is `sequence`). */
  reqPerSec: number;
  /** Latency of one HTTP request or round trip, ms. */
  p50Ms: number;
  p99Ms: number;
  /** Server CPU (user + system) per operation, µs. */
  cpuUsPerOp: number;
  /** Server CPU per HTTP request, µs. */
  cpuUsPerRequest: number;
  /** Peak RSS of the server process during the measured run, MB. */
  rssMb: number;
  requests: number;
  durationS: number;
  errors: { non2xx: number; transport: number; mismatches: number; statusCodes: Record<string, number> };
  /** Against the baseline row of the same concurrency, when the scenario has one. */
  baseline?: string;
  ratio?: Ratio;
  /** Ratios against every reference of the scenario, by server name (the 1.x and v2 references, the floor). */
  against?: Record<string, { throughput: number; cpu: number }>;
  /** More errors than the tolerance. */
  failed: boolean;
}

export interface UpstreamFigure {
  concurrency: number;
  upstreamLatencyMs: number;
  directP50Ms: number;
  directP99Ms: number;
  oursP50Ms: number;
  oursP99Ms: number;
  /** ours − direct: the latency our server adds. */
  addedP50Ms: number;
  addedP99Ms: number;
  /** Through the raw forwarding hop (servers/hop.ts): what one more process costs here. */
  hopP50Ms: number;
  hopP99Ms: number;
  /** The `--previous` build's, when given: p50/p99 and what it adds over direct. */
  previous?: { p50Ms: number; p99Ms: number; addedP50Ms: number; addedP99Ms: number };
}

export interface MemorySnapshot {
  rssMb: number;
  heapUsedMb: number;
  externalMb: number;
  resources: Record<string, number>;
  counters?: Record<string, number>;
}

export interface MemoryFigure {
  transport: 'streamable' | 'sse';
  requested: number;
  opened: number;
  failed: number;
  firstError?: string;
  openSeconds: number;
  before: MemorySnapshot;
  open: MemorySnapshot;
  afterClose: MemorySnapshot;
  rssPerSessionKb: number;
  heapPerSessionKb: number;
}

export interface SoakFigure {
  durationS: number;
  warmupS: number;
  afterWarmup: MemorySnapshot;
  end: MemorySnapshot;
  /** After the traffic stopped and the clients closed everything. */
  drained: MemorySnapshot;
  /** (end − afterWarmup) ÷ afterWarmup, heap after a full GC, %. */
  heapGrowthPct: number;
  series: Array<{ t: number; rssMb: number; heapUsedMb: number }>;
  traffic: {
    steadyCalls: number;
    churnSessions: number;
    sseSessions: number;
    sseCalls: number;
    streamsOpened: number;
    errors: number;
  };
}

export interface TargetCheck {
  target: string;
  measured: string;
  limit: string;
  met: boolean | undefined;
}

export interface BenchReport {
  meta: {
    startedAt: string;
    finishedAt: string;
    quick: boolean;
    node: string;
    sdk: string;
    cpus: number;
    loadAverage: number[];
    pinned: boolean;
    durations: { warmupS: number; measureS: number; soakS: number };
    command: string;
  };
  rows: Row[];
  upstream: UpstreamFigure[];
  memory: MemoryFigure[];
  soak: SoakFigure | undefined;
  tokenCache: TokenCacheFigure | undefined;
  serverPerProcess: ServerPerProcessFigure | undefined;
  targets: TargetCheck[];
  /** Scenario failures; any entry makes the exit code non-zero. */
  problems: string[];
}
