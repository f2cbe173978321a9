/**
 * Stateful tools/call with the shared store on a real redis-server, side by side with the
 * in-memory store, in the same run (issue 14). Every call reads its session record and
 * counts against the per-user limit in the store, so this is the Redis round trips' cost.
 * `ratio` is Redis against in-memory: the targets are throughput ≥ 0.7× and p99 at
 * concurrency 50 ≤ 2×.
 */
import { startOurs } from '../servers/launch.js';
import { startRedisServer } from '../servers/redis.js';
import type { Row } from '../results.js';
import { TRIVIAL_TOOL } from '../load/mcp.js';
import { compare, measure, runProblem, toRow } from './context.js';
import { checkToolCall } from './sanity.js';
import type { Scenario } from './types.js';

export const STORE_MEMORY = 'tools/call stateful, in-memory store';
export const STORE_REDIS = 'tools/call stateful, Redis store';

export const storeScenario: Scenario = async (ctx) => {
  const { options, tokens } = ctx;
  const redis = await startRedisServer();
  try {
    const memory = ctx.own(await startOurs(ctx.launch, { mode: 'stateful' }));
    const shared = ctx.own(await startOurs(ctx.launch, { mode: 'stateful', env: { REDIS_URL: redis.url }, label: 'redis' }));
    for (const server of [memory, shared]) await checkToolCall(server.url, tokens[0]!, TRIVIAL_TOOL);

    const maxConnections = Math.max(...options.concurrency);
    const rows: Row[] = [];
    const problems: string[] = [];
    for (const server of [memory, shared]) {
      const worker = ctx.startWorker();
      const opened = await worker.openSessions({ url: server.url, transport: 'streamable', count: maxConnections, tokens, stream: false, parallel: 10 });
      if (opened.failed > 0) throw new Error(`could not open ${maxConnections} sessions on ${server.name}: ${opened.firstError}`);
      for (const connections of options.concurrency) {
        ctx.log(`store @${connections}: ${server.name}`);
        const job = { profile: 'call' as const, connections, tokens, url: server.url, sessions: true };
        await worker.cannon({ ...job, durationS: options.warmupS });
        const measured = await measure(server, () => worker.cannon({ ...job, durationS: options.measureS }));
        rows.push(toRow(server === memory ? STORE_MEMORY : STORE_REDIS, server.name, connections, 'request', measured));
      }
      await worker.closeSessions();
    }
    for (const row of rows.filter((r) => r.scenario === STORE_REDIS)) {
      const base = rows.find((r) => r.scenario === STORE_MEMORY && r.concurrency === row.concurrency);
      if (base) compare(row, base);
    }
    problems.push(...rows.map(runProblem).filter((p): p is string => p !== undefined));
    return { rows, problems };
  } finally {
    await redis.stop();
  }
};
