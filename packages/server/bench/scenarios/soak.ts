/**
 * Mixed traffic against one stateful server (with the sandbox upstream) for the soak
 * length. Heap and RSS are read after a full GC at the end of the warm-up and at the end
 * of the traffic, and once more after the clients have closed everything; live handles
 * (sockets, timers) are counted at each point.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { startOurs, startSandbox } from '../servers/launch.js';
import type { MemorySnapshot, SoakFigure } from '../results.js';
import { snapshot, tooManyErrors } from './context.js';
import type { Scenario } from './types.js';

const MB = 1024 * 1024;

export const soakScenario: Scenario = async (ctx) => {
  const { options, tokens } = ctx;
  const sandbox = ctx.own(await startSandbox(ctx.launch, options.upstreamLatencyMs));
  const server = ctx.own(await startOurs(ctx.launch, { mode: 'stateful', upstreamUrl: sandbox.url }));
  const worker = ctx.startWorker();
  const durationS = options.soakS;
  const seriesEveryMs = options.quick ? 1_000 : 5_000;
  ctx.log(`soak: ${durationS} s of mixed traffic`);

  const t0 = Date.now();
  const series: SoakFigure['series'] = [];
  const sampler = setInterval(() => {
    server.stats().then((s) => series.push({ t: (Date.now() - t0) / 1000, rssMb: s.rssBytes / MB, heapUsedMb: s.heapUsedBytes / MB }), () => {});
  }, seriesEveryMs);
  const at = async (seconds: number): Promise<MemorySnapshot> => {
    await sleep(Math.max(0, t0 + seconds * 1000 - Date.now()));
    return snapshot(await server.gcStats());
  };

  let result;
  let afterWarmup: MemorySnapshot;
  let end: MemorySnapshot;
  try {
    const traffic = worker.soak({
      url: server.url,
      durationS,
      tokens,
      steadyConnections: 4,
      churnConnections: 2,
      sseLoops: 2,
      streamLoops: 1,
    });
    // Snapshots are taken while the traffic runs; a failed soak must not leave them waiting.
    traffic.catch(() => {});
    afterWarmup = await at(options.soakWarmupS);
    end = await at(Math.max(options.soakWarmupS + 0.5, durationS - 1));
    result = await traffic;
  } finally {
    clearInterval(sampler);
  }
  await sleep(2_000);
  const drained = snapshot(await server.gcStats());

  const errors = result.steady.non2xx + result.steady.errors + result.steady.mismatches
    + result.churn.non2xx + result.churn.errors + result.churn.mismatches
    + result.sse.failures + result.streams.failures;
  const problems: string[] = [];
  if (tooManyErrors(result.steady)) problems.push(`soak: steady tools/call had errors: ${JSON.stringify(result.steady.statusCodes)}, ${result.steady.mismatches} bad bodies, ${result.steady.errors} connection errors`);
  if (tooManyErrors(result.churn)) problems.push(`soak: session churn had errors: ${JSON.stringify(result.churn.statusCodes)}, ${result.churn.mismatches} bad bodies, ${result.churn.errors} connection errors`);
  if (result.sse.failures > 0) problems.push(`soak: ${result.sse.failures} legacy SSE failures: ${result.sse.firstError}`);
  if (result.streams.failures > 0) problems.push(`soak: ${result.streams.failures} GET /mcp stream failures: ${result.streams.firstError}`);

  const soak: SoakFigure = {
    durationS,
    warmupS: options.soakWarmupS,
    afterWarmup,
    end,
    drained,
    heapGrowthPct: ((end.heapUsedMb - afterWarmup.heapUsedMb) / afterWarmup.heapUsedMb) * 100,
    series,
    traffic: {
      steadyCalls: result.steady.requests,
      churnSessions: result.churn.operations,
      sseSessions: result.sse.sessions,
      sseCalls: result.sse.calls,
      streamsOpened: result.streams.opened,
      errors,
    },
  };
  return { soak, problems };
};
