/**
 * Authenticated tools/call on the trivial tool, in both protocol eras, side by side:
 * - references: the 1.x SDK's stateless server (2025 era only) and the v2 SDK's
 *   `createMcpHandler` (both eras), each behind its SDK's bearer middleware;
 * - ours: stateless and stateful (one session per connection, opened beforehand) in the
 *   2025 era, and the 2026-07-28 era (stateless by definition);
 * - the floor: raw node:http with a fixed answer and no auth, for CPU per call.
 * `ratio` is against the reference of the same era (the 1.x reference for the 2025 era, the
 * v2 reference for 2026-07-28); `against` holds the ratios to every reference and the floor.
 * The seven runs take turns (`measureInterleaved`), so the machine's drift, which moved one
 * server's back-to-back figures by up to 40 % within minutes, falls on every run alike.
 */

/** Turns per run in a full measurement: 2 s each at the default 10 s. */
const TURNS = 5;
import { startBaseline, startFloor, startOurs, startV2Reference, type ServerHandle } from '../servers/launch.js';
import type { Row } from '../results.js';
import type { CannonProfile } from '../load/jobs.js';
import { TRIVIAL_TOOL } from '../load/mcp.js';
import { compare, measureInterleaved, runProblem, toRow } from './context.js';
import { checkModernToolCall, checkToolCall } from './sanity.js';
import type { Scenario } from './types.js';

export const LEGACY_STATELESS = 'tools/call stateless';
export const LEGACY_STATEFUL = 'tools/call stateful';
export const MODERN = 'tools/call 2026-07-28';
export const FLOOR = 'tools/call floor';
export const REFERENCE_1X = 'baseline';
export const REFERENCE_V2 = 'v2 reference';

function against(row: Row, references: Record<string, Row>): Row {
  row.against = Object.fromEntries(Object.entries(references).map(([name, ref]) => [
    name,
    { throughput: row.opsPerSec / ref.opsPerSec, cpu: row.cpuUsPerOp / ref.cpuUsPerOp },
  ]));
  return row;
}

export const toolsCallScenario: Scenario = async (ctx) => {
  const { options, tokens } = ctx;
  const baseline = ctx.own(await startBaseline(ctx.launch));
  const v2 = ctx.own(await startV2Reference(ctx.launch));
  const floor = ctx.own(await startFloor(ctx.launch));
  const stateless = ctx.own(await startOurs(ctx.launch, { mode: 'stateless' }));
  const stateful = ctx.own(await startOurs(ctx.launch, { mode: 'stateful' }));
  for (const server of [baseline, v2, stateless, stateful]) await checkToolCall(server.url, tokens[0]!, TRIVIAL_TOOL);
  for (const server of [v2, stateless]) await checkModernToolCall(server.url, tokens[0]!, TRIVIAL_TOOL);

  const worker = ctx.startWorker();
  const maxConnections = Math.max(...options.concurrency);
  const opened = await worker.openSessions({ url: stateful.url, transport: 'streamable', count: maxConnections, tokens, stream: false, parallel: 10 });
  if (opened.failed > 0) throw new Error(`could not open ${maxConnections} sessions: ${opened.firstError}`);

  /** What is measured, per concurrency: a scenario row, the server that serves it, and the load. */
  const runs = {
    base: { scenario: LEGACY_STATELESS, server: baseline, profile: 'call', sessions: false },
    v2Legacy: { scenario: LEGACY_STATELESS, server: v2, profile: 'call', sessions: false },
    v2Modern: { scenario: MODERN, server: v2, profile: 'modern-call', sessions: false },
    floor: { scenario: FLOOR, server: floor, profile: 'call', sessions: false },
    ours: { scenario: LEGACY_STATELESS, server: stateless, profile: 'call', sessions: false },
    oursStateful: { scenario: LEGACY_STATEFUL, server: stateful, profile: 'call', sessions: true },
    oursModern: { scenario: MODERN, server: stateless, profile: 'modern-call', sessions: false },
  } satisfies Record<string, { scenario: string; server: ServerHandle; profile: CannonProfile; sessions: boolean }>;
  type RunKey = keyof typeof runs;
  const servers = Object.fromEntries(Object.entries(runs).map(([key, run]) => [key, run.server])) as Record<RunKey, ServerHandle>;
  const rounds = options.quick ? 1 : TURNS;

  const rows: Row[] = [];
  for (const connections of options.concurrency) {
    const job = (key: RunKey) => ({ profile: runs[key].profile, connections, tokens, url: runs[key].server.url, sessions: runs[key].sessions });
    for (const key of Object.keys(runs) as RunKey[]) {
      ctx.log(`tools/call @${connections}: warm-up ${runs[key].server.name} (${runs[key].profile})`);
      await worker.cannon({ ...job(key), durationS: options.warmupS });
    }
    ctx.log(`tools/call @${connections}: ${rounds} turns of ${(options.measureS / rounds).toFixed(1)} s per run`);
    const measured = await measureInterleaved(servers, rounds, (_server, key) => worker.cannon({ ...job(key), durationS: options.measureS / rounds }));
    const r = Object.fromEntries((Object.keys(runs) as RunKey[]).map((key) => [
      key,
      toRow(runs[key].scenario, runs[key].server.name, connections, 'request', measured[key]),
    ])) as Record<RunKey, Row>;

    compare(r.v2Legacy, r.base);
    // The 1.x reference speaks only the 2025 era: ours in 2026-07-28 is set against it doing the same call its own way.
    for (const row of [r.ours, r.oursStateful]) against(compare(row, r.base), { [REFERENCE_1X]: r.base, [REFERENCE_V2]: r.v2Legacy, floor: r.floor });
    against(compare(r.oursModern, r.v2Modern), { [REFERENCE_1X]: r.base, [REFERENCE_V2]: r.v2Modern, floor: r.floor });
    rows.push(r.base, r.v2Legacy, r.ours, r.oursStateful, r.v2Modern, r.oursModern, r.floor);
  }
  await worker.closeSessions();
  return { rows, problems: rows.map(runProblem).filter((p): p is string => p !== undefined) };
};
