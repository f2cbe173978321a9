/**
 * Idle sessions with open streams, in one server process: first N Streamable HTTP sessions
 * (initialize + GET /mcp stream), then N legacy SSE sessions (GET /sse). The cost per
 * session is the growth of heap (after a full GC) and RSS over the server before them;
 * the figures after closing show whether everything was given back.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { startOurs } from '../servers/launch.js';
import type { MemoryFigure } from '../results.js';
import { openFileLimit } from '../processes/limits.js';
import { snapshot } from './context.js';
import type { Scenario } from './types.js';

const WARM_SESSIONS = 50;
const PARALLEL_OPENS = 64;
/** Sockets beyond the sessions: pools, the JWKS fetch, stdio. */
const FD_HEADROOM = 1_000;
const SETTLE_MS = 1_000;

export const memoryScenario: Scenario = async (ctx) => {
  const problems: string[] = [];
  let sessions = ctx.options.sessions;
  const limit = openFileLimit();
  if (limit && limit.hard < sessions + FD_HEADROOM) {
    const fit = Math.max(100, limit.hard - FD_HEADROOM);
    problems.push(`memory: the open-file hard limit (${limit.hard}) allows ${fit} streams per process, not ${sessions}; raise \`ulimit -Hn\` for the full figure`);
    sessions = fit;
  }
  const fileLimit = sessions + FD_HEADROOM;
  const server = ctx.own(await startOurs(ctx.launch, { mode: 'stateful', fileLimit }));
  const worker = ctx.startWorker({ fileLimit });
  const tokens = ctx.tokens;

  // Let one-off allocations (compiled code, lazily built tables) happen before the baseline figure.
  for (const transport of ['streamable', 'sse'] as const) {
    await worker.openSessions({ url: server.url, transport, count: WARM_SESSIONS, tokens, stream: true, parallel: 10 });
  }
  await worker.closeSessions();
  await sleep(SETTLE_MS);

  const figures: MemoryFigure[] = [];
  for (const transport of ['streamable', 'sse'] as const) {
    ctx.log(`memory: ${sessions} idle ${transport} sessions`);
    const before = snapshot(await server.gcStats());
    const opened = await worker.openSessions({ url: server.url, transport, count: sessions, tokens, stream: true, parallel: PARALLEL_OPENS });
    await sleep(SETTLE_MS);
    const open = snapshot(await server.gcStats());
    const closed = await worker.closeSessions();
    await sleep(SETTLE_MS);
    const afterClose = snapshot(await server.gcStats());
    if (opened.failed > 0) problems.push(`memory: ${opened.failed} of ${sessions} ${transport} sessions failed to open: ${opened.firstError}`);
    if (closed.failed > 0) problems.push(`memory: ${closed.failed} ${transport} sessions failed to close: ${closed.firstError}`);
    const per = Math.max(1, opened.opened);
    figures.push({
      transport,
      requested: sessions,
      opened: opened.opened,
      failed: opened.failed,
      ...(opened.firstError ? { firstError: opened.firstError } : {}),
      openSeconds: opened.durationS,
      before,
      open,
      afterClose,
      rssPerSessionKb: ((open.rssMb - before.rssMb) * 1024) / per,
      heapPerSessionKb: ((open.heapUsedMb - before.heapUsedMb) * 1024) / per,
    });
  }
  return { memory: figures, problems };
};
