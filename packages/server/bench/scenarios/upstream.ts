/**
 * A tool in front of NeonPanel: `neonpanel_companies_list` through our server against the
 * same GET sent straight to the sandbox, which answers every request after a fixed delay.
 * The difference in latency is what our server adds. A raw forwarding hop (node:http + undici,
 * no auth, no MCP) is measured beside them: what any process in the path costs on this machine.
 *
 * The three take turns (`measureInterleaved`), so a stretch of host noise falls on all of them
 * rather than on one, and each keeps every latency, so p50 and p99 are over all requests of
 * all its turns, as in one long run. At c=10 against 50 ms the load is only ~190 requests/s,
 * so a run gets twice the usual measuring time: a p99 over a few thousand requests, not one
 * decided by two or three stalls of the host.
 */

import { startHop, startOurs, startSandbox, type ServerHandle } from '../servers/launch.js';
import type { Row, UpstreamFigure } from '../results.js';
import type { CannonProfile } from '../load/jobs.js';
import { bearer, UPSTREAM_DIRECT_PATH, UPSTREAM_TOOL } from '../load/mcp.js';
import { measureInterleaved, runProblem, toRow } from './context.js';
import { checkToolCall } from './sanity.js';
import type { Scenario } from './types.js';

type RunKey = 'direct' | 'hopped' | 'mine' | 'previous';
interface Run {
  server: ServerHandle;
  profile: CannonProfile;
  label: string;
}

/** Turns per run in a full measurement. */
const TURNS = 10;
/** Measuring time per run, as a multiple of `--measure`. */
const MEASURE_FACTOR = 2;

async function checkDirect(url: string, token: string): Promise<void> {
  const answer = await fetch(`${url}${UPSTREAM_DIRECT_PATH}`, { headers: { authorization: bearer(token), accept: 'application/json' }, signal: AbortSignal.timeout(15_000) });
  const text = await answer.text();
  if (answer.status !== 200 || !text.includes('"data"')) throw new Error(`sandbox: GET /api/v1/companies answered HTTP ${answer.status}: ${text.slice(0, 300)}`);
}

export const upstreamScenario: Scenario = async (ctx) => {
  const { options, tokens } = ctx;
  const latency = options.upstreamLatencyMs;
  const scenario = `upstream (sandbox +${latency} ms)`;
  const sandbox = ctx.own(await startSandbox(ctx.launch, latency));
  const ours = ctx.own(await startOurs(ctx.launch, { mode: 'stateless', upstreamUrl: sandbox.url }));
  const hop = ctx.own(await startHop(ctx.launch, sandbox.url));
  const previous = options.previousMain === undefined
    ? undefined
    : ctx.own(await startOurs(ctx.launch, { mode: 'stateless', upstreamUrl: sandbox.url, label: 'previous build', main: options.previousMain }));
  await checkDirect(sandbox.url, tokens[0]!);
  await checkDirect(hop.url, tokens[0]!);
  for (const server of previous ? [ours, previous] : [ours]) await checkToolCall(server.url, tokens[0]!, UPSTREAM_TOOL);
  const worker = ctx.startWorker();

  /** What is measured, per concurrency: the server whose latency and CPU a row holds, and its load. */
  const runs: Partial<Record<RunKey, Run>> & Record<Exclude<RunKey, 'previous'>, Run> = {
    direct: { server: sandbox, profile: 'upstream-direct', label: 'sandbox (direct)' },
    hopped: { server: hop, profile: 'upstream-direct', label: hop.name },
    mine: { server: ours, profile: 'upstream-call', label: ours.name },
    ...(previous ? { previous: { server: previous, profile: 'upstream-call', label: previous.name } } : {}),
  };
  const keys = Object.keys(runs) as RunKey[];
  const run = (key: RunKey): Run => runs[key]!;
  const servers = Object.fromEntries(keys.map((key) => [key, run(key).server])) as Record<RunKey, ServerHandle>;
  const rounds = options.quick ? 1 : TURNS;
  const turnS = (options.quick ? options.measureS : options.measureS * MEASURE_FACTOR) / rounds;

  // JIT warm-up is counted in requests, not seconds: at c=10 against 50 ms, the usual warm-up is
  // ~550 requests, and our server's CPU per request was still falling threefold over the next
  // ~5,000 (lazy compilation and optimisation of the whole request path). So every server first
  // gets the warm-up at the highest concurrency, whichever order the concurrencies come in.
  const busiest = Math.max(...options.concurrency);
  for (const key of keys) {
    ctx.log(`upstream: warm-up ${run(key).label} @${busiest}`);
    await worker.cannon({ url: run(key).server.url, profile: run(key).profile, connections: busiest, tokens, durationS: options.warmupS });
  }

  const rows: Row[] = [];
  const upstream: UpstreamFigure[] = [];
  for (const connections of options.concurrency) {
    const job = (key: RunKey) => ({ url: run(key).server.url, profile: run(key).profile, connections, tokens, keepSamples: true });
    for (const key of keys) {
      ctx.log(`upstream @${connections}: warm-up ${run(key).label}`);
      await worker.cannon({ ...job(key), durationS: options.warmupS });
    }
    ctx.log(`upstream @${connections}: ${rounds} turns of ${turnS.toFixed(1)} s per run`);
    // CPU and RSS of each row are its target's: the sandbox's, the hop's, our server's.
    const measured = await measureInterleaved(servers, rounds, (_server, key) => worker.cannon({ ...job(key), durationS: turnS }));
    const row = (key: RunKey): Row => toRow(scenario, run(key).label, connections, 'request', measured[key]);
    const [direct, hopped, mine] = [row('direct'), row('hopped'), row('mine')];
    const before = previous ? row('previous') : undefined;
    rows.push(direct, hopped, mine, ...(before ? [before] : []));
    upstream.push({
      concurrency: connections,
      upstreamLatencyMs: latency,
      directP50Ms: direct.p50Ms,
      directP99Ms: direct.p99Ms,
      oursP50Ms: mine.p50Ms,
      oursP99Ms: mine.p99Ms,
      addedP50Ms: mine.p50Ms - direct.p50Ms,
      addedP99Ms: mine.p99Ms - direct.p99Ms,
      hopP50Ms: hopped.p50Ms,
      hopP99Ms: hopped.p99Ms,
      ...(before
        ? { previous: { p50Ms: before.p50Ms, p99Ms: before.p99Ms, addedP50Ms: before.p50Ms - direct.p50Ms, addedP99Ms: before.p99Ms - direct.p99Ms } }
        : {}),
    });
  }
  return { rows, upstream, problems: rows.map(runProblem).filter((p): p is string => p !== undefined) };
};
