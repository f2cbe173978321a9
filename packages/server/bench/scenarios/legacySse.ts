/**
 * Legacy HTTP+SSE: as many sessions as connections, each looping tools/call round trips
 * (POST /messages, answer read from its stream). The baseline is the SDK's SSE reference
 * server (an `McpServer` per stream).
 */
import { startBaseline, startOurs, type ServerHandle } from '../servers/launch.js';
import type { Row } from '../results.js';
import { compare, measure, runProblem, toRow } from './context.js';
import type { Scenario } from './types.js';

const SCENARIO = 'legacy SSE tools/call';

export const legacySseScenario: Scenario = async (ctx) => {
  const { options, tokens } = ctx;
  const baseline = ctx.own(await startBaseline(ctx.launch));
  const ours = ctx.own(await startOurs(ctx.launch, { mode: 'stateful' }));
  const worker = ctx.startWorker();

  const rows: Row[] = [];
  const problems: string[] = [];
  for (const connections of options.concurrency) {
    const run = async (server: ServerHandle): Promise<Row> => {
      ctx.log(`legacy SSE @${connections}: ${server.name}`);
      const opened = await worker.openSessions({ url: server.url, transport: 'sse', count: connections, tokens, stream: true, parallel: 10 });
      if (opened.failed > 0) throw new Error(`${server.name}: ${opened.failed} of ${connections} SSE sessions failed to open: ${opened.firstError}`);
      try {
        await worker.legacyCalls(options.warmupS);
        return toRow(SCENARIO, server.name, connections, 'round trip', await measure(server, () => worker.legacyCalls(options.measureS)));
      } finally {
        await worker.closeSessions();
      }
    };
    const base = await run(baseline);
    const mine = await run(ours);
    rows.push(base, compare(mine, base));
  }
  problems.push(...rows.map(runProblem).filter((p): p is string => p !== undefined));
  return { rows, problems };
};
