/**
 * The cost of telemetry: authenticated tools/call on our server with TELEMETRY off, and on as
 * the stack runs it (OTLP to a collector, traces head-sampled at 10 %) and with every trace
 * sampled, side by side in one run. The OTLP endpoint is the floor server, which answers every
 * POST with 200, so exports complete as they would against the sidecar. Two tools: the
 * trivial one (the fixed per-request cost: request span, auth, tool span and metrics) and one
 * NeonPanel call to the sandbox (adds the client span and traceparent injection).
 * `ratio` is against the same server with telemetry off, at the same concurrency. The three
 * servers are measured in turns, not one after the other, so the machine's drift falls on all
 * three alike.
 */

/** Turns per server in a full run: 2 s each at the default 10 s. */
const TURNS = 5;
import { startFloor, startOurs, startSandbox, type ServerHandle } from '../servers/launch.js';
import type { Row } from '../results.js';
import { TRIVIAL_TOOL } from '../load/mcp.js';
import { compare, measureInterleaved, runProblem, toRow } from './context.js';
import { checkToolCall } from './sanity.js';
import type { Scenario } from './types.js';

export const TELEMETRY_OFF = 'telemetry off';
export const TELEMETRY_ON = 'telemetry on (otlp, 10 % traces)';
export const TELEMETRY_ALL_TRACES = 'telemetry on (otlp, every trace)';
export const TELEMETRY_SCENARIO = 'tools/call, telemetry';
export const TELEMETRY_UPSTREAM_SCENARIO = 'tools/call upstream, telemetry';

export const telemetryScenario: Scenario = async (ctx) => {
  const { options, tokens } = ctx;
  const collector = ctx.own(await startFloor(ctx.launch));
  const sandbox = ctx.own(await startSandbox(ctx.launch, 0));
  const otlp = (ratio: string) => ({ TELEMETRY: 'otlp', OTLP_ENDPOINT: collector.url, TRACE_SAMPLE_RATIO: ratio, TELEMETRY_EXPORT_INTERVAL_MS: '10000' });
  const off = ctx.own(await startOurs(ctx.launch, { mode: 'stateless', upstreamUrl: sandbox.url, label: TELEMETRY_OFF }));
  const on = ctx.own(await startOurs(ctx.launch, { mode: 'stateless', upstreamUrl: sandbox.url, label: TELEMETRY_ON, env: otlp('0.1') }));
  const all = ctx.own(await startOurs(ctx.launch, { mode: 'stateless', upstreamUrl: sandbox.url, label: TELEMETRY_ALL_TRACES, env: otlp('1') }));
  for (const server of [off, on, all]) await checkToolCall(server.url, tokens[0]!, TRIVIAL_TOOL);

  const worker = ctx.startWorker();
  const rows: Row[] = [];
  const servers = { off, on, all };
  // The three servers take turns (measureInterleaved says why); each gets `measureS` in all.
  const rounds = options.quick ? 1 : TURNS;
  for (const connections of options.concurrency) {
    for (const [scenario, profile] of [[TELEMETRY_SCENARIO, 'call'], [TELEMETRY_UPSTREAM_SCENARIO, 'upstream-call']] as const) {
      const job = (server: ServerHandle) => ({ profile, connections, tokens, url: server.url, sessions: false });
      for (const server of Object.values(servers)) {
        ctx.log(`telemetry @${connections}: warm-up ${server.name} (${profile})`);
        await worker.cannon({ ...job(server), durationS: options.warmupS });
      }
      ctx.log(`telemetry @${connections}: ${rounds} turns of ${(options.measureS / rounds).toFixed(1)} s each (${profile})`);
      const measured = await measureInterleaved(servers, rounds, (server) => worker.cannon({ ...job(server), durationS: options.measureS / rounds }));
      const base = toRow(scenario, off.name, connections, 'request', measured.off);
      rows.push(
        base,
        compare(toRow(scenario, on.name, connections, 'request', measured.on), base),
        compare(toRow(scenario, all.name, connections, 'request', measured.all), base),
      );
    }
  }
  return { rows, problems: rows.map(runProblem).filter((p): p is string => p !== undefined) };
};
