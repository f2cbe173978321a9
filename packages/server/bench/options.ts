/** Command line → options. Every run is bounded: durations, counts and an overall deadline. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

export const SCENARIOS = ['tools-call', 'telemetry', 'cold', 'sse', 'upstream', 'memory', 'soak', 'store', 'broker'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface BenchOptions {
  quick: boolean;
  /** JSON report path; undefined = none. */
  out: string | undefined;
  only: ScenarioName[];
  /** Unmeasured load before each measured run, s. Default 3 (quick 0.5). */
  warmupS: number;
  /** Each measured run, s. Default 10 (quick 1.5). */
  measureS: number;
  /** Connections of the load generator. Default 10 and 50. */
  concurrency: number[];
  /** Idle sessions per transport in the memory scenario. Default 10 000 (quick 300). */
  sessions: number;
  /** Soak length and its warm-up, s. Default 60 and 10 (quick 5 and 1.5). */
  soakS: number;
  soakWarmupS: number;
  /** Fixed latency of the sandbox in the upstream scenario, ms. Default 50: a real API's order, and low enough a rate at concurrency 10 that added latency is our work, not queueing. */
  upstreamLatencyMs: number;
  /** Pin servers to CPU 0 and the load generator to CPU 1 (taskset). Default off. */
  pin: boolean;
  /**
   * Another production build's `dist/main.js` (e.g. a git worktree of the last release), measured
   * beside ours in the upstream scenario: "no regression" is a same-run comparison, since figures
   * of runs hours apart on this VM differ by more than any change. Default none.
   */
  previousMain: string | undefined;
  /** Writes V8 CPU profiles of our server here and prints where the time went. */
  profileDir: string | undefined;
  verbose: boolean;
  /** The whole run is killed after this long, s. */
  deadlineS: number;
}

export const USAGE = `Usage: pnpm bench [-- options]

  --quick              short run of every scenario (CI smoke check; asserts no speed)
  --out FILE           write every figure as JSON
  --only LIST          comma-separated subset of: ${SCENARIOS.join(', ')}
  --duration S         measured seconds per run (default 10; quick 1.5)
  --warmup S           warm-up seconds before each run (default 3; quick 0.5)
  --concurrency LIST   load-generator connections (default 10,50)
  --sessions N         idle sessions per transport, memory scenario (default 10000; quick 300)
  --soak S             soak seconds (default 60; quick 5)
  --upstream-latency MS  fixed sandbox latency, upstream scenario (default 50)
  --pin                pin servers to CPU 0 and the load generator to CPU 1
  --previous FILE      another build's dist/main.js, measured beside ours in the upstream scenario
  --profile DIR        write CPU profiles of our server to DIR and summarise them
  --verbose            copy the children's output to stderr
  --help`;

export class UsageError extends Error {}

function positive(name: string, raw: string | undefined, fallback: number, integer = false): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new UsageError(`--${name} must be a positive ${integer ? 'integer' : 'number'}; got ${raw}`);
  }
  return value;
}

function previousMain(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const path = resolve(raw);
  if (!existsSync(path)) throw new UsageError(`--previous: no such file ${raw}; give a built dist/main.js`);
  return path;
}

export function parseOptions(argv: string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    // `pnpm bench -- --quick` may hand us the `--` itself.
    args: argv.filter((a) => a !== '--'),
    options: {
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      only: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      concurrency: { type: 'string' },
      sessions: { type: 'string' },
      soak: { type: 'string' },
      'upstream-latency': { type: 'string' },
      pin: { type: 'boolean', default: false },
      previous: { type: 'string' },
      profile: { type: 'string' },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return 'help';
  const quick = values.quick;

  const only = values.only === undefined ? [...SCENARIOS] : values.only.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = only.find((s) => !(SCENARIOS as readonly string[]).includes(s));
  if (unknown) throw new UsageError(`--only: unknown scenario ${unknown}; choose from ${SCENARIOS.join(', ')}`);

  const concurrency = values.concurrency === undefined
    ? [10, 50]
    : values.concurrency.split(',').map((c) => positive('concurrency', c.trim(), 0, true));
  if (concurrency.some((c) => c > 1000)) throw new UsageError('--concurrency: at most 1000 connections');

  const sessions = positive('sessions', values.sessions, quick ? 300 : 10_000, true);
  if (sessions > 50_000) throw new UsageError('--sessions: at most 50000');
  const soakS = positive('soak', values.soak, quick ? 5 : 60);
  const measureS = positive('duration', values.duration, quick ? 1.5 : 10);
  const warmupS = positive('warmup', values.warmup, quick ? 0.5 : 3);
  if (measureS > 600 || soakS > 3600) throw new UsageError('--duration is capped at 600 s and --soak at 3600 s');

  // Rough bound of the whole run: 20 measured runs, the soak, server starts and the memory scenario.
  const runs = 10 * concurrency.length;
  const deadlineS = Math.ceil(runs * (measureS + warmupS + 5) + soakS * 1.5 + sessions / 20 + 300);

  return {
    quick,
    out: values.out,
    only: only as ScenarioName[],
    warmupS,
    measureS,
    concurrency,
    sessions,
    soakS,
    soakWarmupS: Math.min(quick ? 1.5 : 10, soakS / 3),
    upstreamLatencyMs: positive('upstream-latency', values['upstream-latency'], 50),
    pin: values.pin,
    previousMain: previousMain(values.previous),
    profileDir: values.profile,
    verbose: values.verbose,
    deadlineS,
  };
}
