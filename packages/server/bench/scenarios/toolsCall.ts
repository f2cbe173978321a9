/**
 * Authenticated tools/call on the trivial tool, in both protocol eras, side by side:
 * - references: the 1.x SDK's stateless server (2025 era only) and the v2 SDK's
 *   `createMcpHandler` (both eras), each behind its SDK's bearer middleware;
 * - ours: stateless and stateful (one session per connection, opened beforehand) in the
 *   2025 era, and the 2026-07-28 era (stateless by definition);
 * - the floor: raw node:http with a fixed answer and no auth, for CPU per call.
 * `ratio` is against the reference of the same era (the 1.x reference for the 2025 era, the
 * v2 reference for 2026-07-28); `against` holds the ratios to every reference and the floor.
 */
import { startBaseline, startFloor, startOurs, startV2Reference, type ServerHandle } from '../servers/launch.js';
import type { Row } from '../results.js';
import type { CannonProfile } from '../load/jobs.js';
import { TRIVIAL_TOOL } from '../load/mcp.js';
import { compare, measure, runProblem, toRow } from './context.js';
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

  const rows: Row[] = [];
  for (const connections of options.concurrency) {
    const run = async (server: ServerHandle, profile: CannonProfile, sessions: boolean) => {
      ctx.log(`tools/call @${connections}: ${server.name} (${profile})`);
      const job = { profile, connections, tokens, url: server.url, sessions };
      await worker.cannon({ ...job, durationS: options.warmupS });
      return measure(server, () => worker.cannon({ ...job, durationS: options.measureS }));
    };
    const base = toRow(LEGACY_STATELESS, REFERENCE_1X, connections, 'request', await run(baseline, 'call', false));
    const v2Legacy = toRow(LEGACY_STATELESS, REFERENCE_V2, connections, 'request', await run(v2, 'call', false));
    const v2Modern = toRow(MODERN, REFERENCE_V2, connections, 'request', await run(v2, 'modern-call', false));
    const floorRow = toRow(FLOOR, floor.name, connections, 'request', await run(floor, 'call', false));
    const ours = toRow(LEGACY_STATELESS, stateless.name, connections, 'request', await run(stateless, 'call', false));
    const oursStateful = toRow(LEGACY_STATEFUL, stateful.name, connections, 'request', await run(stateful, 'call', true));
    const oursModern = toRow(MODERN, stateless.name, connections, 'request', await run(stateless, 'modern-call', false));

    compare(v2Legacy, base);
    // The 1.x reference speaks only the 2025 era: ours in 2026-07-28 is set against it doing the same call its own way.
    for (const row of [ours, oursStateful]) against(compare(row, base), { [REFERENCE_1X]: base, [REFERENCE_V2]: v2Legacy, floor: floorRow });
    against(compare(oursModern, v2Modern), { [REFERENCE_1X]: base, [REFERENCE_V2]: v2Modern, floor: floorRow });
    rows.push(base, v2Legacy, ours, oursStateful, v2Modern, oursModern, floorRow);
  }
  await worker.closeSessions();
  return { rows, problems: rows.map(runProblem).filter((p): p is string => p !== undefined) };
};
