/**
 * A tool in front of NeonPanel: `neonpanel_companies_list` through our server against the
 * same GET sent straight to the sandbox, which answers every request after a fixed delay.
 * The difference in latency is what our server adds. A raw forwarding hop (node:http + undici,
 * no auth, no MCP) is measured beside them: what any process in the path costs on this machine.
 */
import { startHop, startOurs, startSandbox, type ServerHandle } from '../servers/launch.js';
import type { Row, UpstreamFigure } from '../results.js';
import type { CannonProfile } from '../load/jobs.js';
import { bearer, UPSTREAM_DIRECT_PATH, UPSTREAM_TOOL } from '../load/mcp.js';
import { measure, runProblem, toRow } from './context.js';
import { checkToolCall } from './sanity.js';
import type { Scenario } from './types.js';

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
  await checkDirect(sandbox.url, tokens[0]!);
  await checkDirect(hop.url, tokens[0]!);
  await checkToolCall(ours.url, tokens[0]!, UPSTREAM_TOOL);
  const worker = ctx.startWorker();

  const rows: Row[] = [];
  const upstream: UpstreamFigure[] = [];
  for (const connections of options.concurrency) {
    const run = async (target: ServerHandle, measured: ServerHandle, profile: CannonProfile, label: string): Promise<Row> => {
      ctx.log(`upstream @${connections}: ${label}`);
      const job = { url: target.url, profile, connections, tokens };
      await worker.cannon({ ...job, durationS: options.warmupS });
      return toRow(scenario, label, connections, 'request', await measure(measured, () => worker.cannon({ ...job, durationS: options.measureS })));
    };
    // CPU and RSS of each row are its target's: the sandbox's, the hop's, our server's.
    const direct = await run(sandbox, sandbox, 'upstream-direct', 'sandbox (direct)');
    const hopped = await run(hop, hop, 'upstream-direct', hop.name);
    const mine = await run(ours, ours, 'upstream-call', ours.name);
    rows.push(direct, hopped, mine);
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
    });
  }
  return { rows, upstream, problems: rows.map(runProblem).filter((p): p is string => p !== undefined) };
};
