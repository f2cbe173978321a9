/**
 * Authenticated tools/call on the trivial tool: the baseline against our server in
 * stateless mode, and in stateful mode (one session per connection, opened beforehand).
 * Both of ours are compared with the (stateless) baseline, which is what they replace.
 */
import { startBaseline, startOurs, type ServerHandle } from '../servers/launch.js';
import type { Row } from '../results.js';
import { TRIVIAL_TOOL } from '../load/mcp.js';
import { compare, measure, runProblem, toRow } from './context.js';
import { checkToolCall } from './sanity.js';
import type { Scenario } from './types.js';

export const toolsCallScenario: Scenario = async (ctx) => {
  const { options, tokens } = ctx;
  const baseline = ctx.own(await startBaseline(ctx.launch));
  const stateless = ctx.own(await startOurs(ctx.launch, { mode: 'stateless' }));
  const stateful = ctx.own(await startOurs(ctx.launch, { mode: 'stateful' }));
  for (const server of [baseline, stateless, stateful]) await checkToolCall(server.url, tokens[0]!, TRIVIAL_TOOL);

  const worker = ctx.startWorker();
  const maxConnections = Math.max(...options.concurrency);
  const opened = await worker.openSessions({ url: stateful.url, transport: 'streamable', count: maxConnections, tokens, stream: false, parallel: 10 });
  if (opened.failed > 0) throw new Error(`could not open ${maxConnections} sessions: ${opened.firstError}`);

  const rows: Row[] = [];
  for (const connections of options.concurrency) {
    const job = { profile: 'call' as const, connections, tokens };
    const run = async (server: ServerHandle, sessions: boolean) => {
      ctx.log(`tools/call @${connections}: ${server.name}`);
      await worker.cannon({ ...job, url: server.url, sessions, durationS: options.warmupS });
      return measure(server, () => worker.cannon({ ...job, url: server.url, sessions, durationS: options.measureS }));
    };
    const base = toRow('tools/call stateless', baseline.name, connections, 'request', await run(baseline, false));
    const ours = toRow('tools/call stateless', stateless.name, connections, 'request', await run(stateless, false));
    const oursStateful = toRow('tools/call stateful', stateful.name, connections, 'request', await run(stateful, true));
    rows.push(base, compare(ours, base), compare(oursStateful, base));
  }
  await worker.closeSessions();
  return { rows, problems: rows.map(runProblem).filter((p): p is string => p !== undefined) };
};
