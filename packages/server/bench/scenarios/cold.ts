/**
 * A cold client: initialize → notifications/initialized → tools/list → tools/call, looped on
 * each connection (stateful: in the session initialize returned, then DELETE). Throughput
 * and CPU are per whole sequence, so a DELETE does not make our figures look cheaper;
 * latency is per HTTP request.
 */
import { startBaseline, startOurs, type ServerHandle } from '../servers/launch.js';
import type { Row } from '../results.js';
import type { CannonProfile } from '../load/jobs.js';
import { TRIVIAL_TOOL } from '../load/mcp.js';
import { compare, measure, runProblem, toRow } from './context.js';
import { checkToolCall } from './sanity.js';
import type { Scenario } from './types.js';

const SCENARIO = 'cold session';

export const coldScenario: Scenario = async (ctx) => {
  const { options, tokens } = ctx;
  const baseline = ctx.own(await startBaseline(ctx.launch));
  const stateless = ctx.own(await startOurs(ctx.launch, { mode: 'stateless' }));
  const stateful = ctx.own(await startOurs(ctx.launch, { mode: 'stateful' }));
  for (const server of [baseline, stateless, stateful]) await checkToolCall(server.url, tokens[0]!, TRIVIAL_TOOL);
  const worker = ctx.startWorker();

  const rows: Row[] = [];
  for (const connections of options.concurrency) {
    const run = async (server: ServerHandle, profile: CannonProfile) => {
      ctx.log(`cold session @${connections}: ${server.name}`);
      const job = { url: server.url, profile, connections, tokens };
      await worker.cannon({ ...job, durationS: options.warmupS });
      return toRow(SCENARIO, server.name, connections, 'sequence', await measure(server, () => worker.cannon({ ...job, durationS: options.measureS })));
    };
    const base = await run(baseline, 'cold-stateless');
    const ours = await run(stateless, 'cold-stateless');
    const oursStateful = await run(stateful, 'cold-stateful');
    rows.push(base, compare(ours, base), compare(oursStateful, base));
  }
  return { rows, problems: rows.map(runProblem).filter((p): p is string => p !== undefined) };
};
