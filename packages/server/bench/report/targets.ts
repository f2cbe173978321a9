/** The targets of issues 8 and 12, checked against one run's figures. Informational: they never fail the run. */
import type { BenchReport, Row, TargetCheck } from '../results.js';
import { num } from './format.js';
import { LEGACY_STATEFUL, LEGACY_STATELESS, MODERN, REFERENCE_1X, REFERENCE_V2 } from '../scenarios/toolsCall.js';
import { TELEMETRY_ON, TELEMETRY_SCENARIO, TELEMETRY_UPSTREAM_SCENARIO } from '../scenarios/telemetry.js';

const worst = (values: number[], pick: (a: number, b: number) => number): number | undefined =>
  values.length === 0 ? undefined : values.reduce((a, b) => pick(a, b));

function check(target: string, values: number[], limit: number, better: 'higher' | 'lower', unit: string, limitText?: string): TargetCheck {
  const value = worst(values, better === 'higher' ? Math.min : Math.max);
  return {
    target,
    measured: value === undefined ? 'not measured' : `${num(value, unit === '×' ? 2 : 1)}${unit === '×' ? '×' : ` ${unit}`}${values.length > 1 ? ' (worst)' : ''}`,
    limit: limitText ?? `${better === 'higher' ? '≥' : '≤'} ${limit}${unit === '×' ? '×' : ` ${unit}`}`,
    met: value === undefined || !Number.isFinite(value) ? undefined : better === 'higher' ? value >= limit : value <= limit,
  };
}

export function checkTargets(report: Omit<BenchReport, 'targets'>): TargetCheck[] {
  const ours = (scenario: string): Row[] => report.rows.filter((r) => r.scenario === scenario && r.ratio !== undefined);
  // Our rows only: a reference's own row carries a ratio too, but no `against`.
  const oursIn = (scenario: string): Row[] => ours(scenario).filter((r) => r.against !== undefined);
  const legacy = [...oursIn(LEGACY_STATELESS), ...oursIn(LEGACY_STATEFUL)];
  const modern = oursIn(MODERN);
  const calls = [...legacy, ...modern];
  const vs = (rows: Row[], reference: string, field: 'throughput' | 'cpu'): number[] =>
    rows.map((r) => r.against?.[reference]?.[field]).filter((v): v is number => v !== undefined);
  const checks: TargetCheck[] = [];
  if (calls.length > 0) {
    checks.push(check('tools/call throughput vs the 1.x reference, 2025 era', vs(legacy, REFERENCE_1X, 'throughput'), 3, 'higher', '×'));
    checks.push(check('tools/call throughput vs the v2 reference, 2025 era', vs(legacy, REFERENCE_V2, 'throughput'), 3, 'higher', '×'));
    checks.push(check('tools/call throughput vs the 1.x reference, 2026-07-28', vs(modern, REFERENCE_1X, 'throughput'), 3, 'higher', '×'));
    checks.push(check('tools/call throughput vs the v2 reference, 2026-07-28', vs(modern, REFERENCE_V2, 'throughput'), 3, 'higher', '×'));
    checks.push(check('server CPU per tools/call vs the node:http floor', vs(calls, 'floor', 'cpu'), 8, 'lower', '×'));
    checks.push(check('server CPU per tools/call', calls.map((r) => r.cpuUsPerOp), 400, 'lower', 'µs'));
    checks.push(check('tools/call p99 at concurrency 50', calls.filter((r) => r.concurrency === 50).map((r) => r.p99Ms), 100, 'lower', 'ms'));
  }
  // Issue 16: telemetry as deployed (OTLP, 10 % traces) against the same server with it off.
  const telemetryOn = report.rows.filter((r) => (r.scenario === TELEMETRY_SCENARIO || r.scenario === TELEMETRY_UPSTREAM_SCENARIO)
    && r.server.includes(TELEMETRY_ON) && r.ratio !== undefined);
  if (telemetryOn.length > 0) {
    checks.push(check('tools/call throughput with telemetry on vs off', telemetryOn.map((r) => r.ratio!.throughput), 0.85, 'higher', '×'));
  }
  const at10 = report.upstream.filter((u) => u.concurrency === 10);
  if (at10.length > 0) {
    checks.push(check('latency added over the upstream, p50 @10', at10.map((u) => u.addedP50Ms), 1, 'lower', 'ms'));
    checks.push(check('latency added over the upstream, p99 @10', at10.map((u) => u.addedP99Ms), 5, 'lower', 'ms'));
  }
  // "No regression": against the --previous build, measured in the same turns.
  for (const u of report.upstream) {
    if (!u.previous) continue;
    checks.push(check(`latency added over the upstream, p50 @${u.concurrency}, vs the previous build`, [u.addedP50Ms], u.previous.addedP50Ms, 'lower', 'ms', `≤ ${num(u.previous.addedP50Ms, 2)} ms (previous)`));
    checks.push(check(`latency added over the upstream, p99 @${u.concurrency}, vs the previous build`, [u.addedP99Ms], u.previous.addedP99Ms, 'lower', 'ms', `≤ ${num(u.previous.addedP99Ms, 2)} ms (previous)`));
  }
  for (const m of report.memory) {
    const full = m.requested >= 10_000 && m.opened >= 10_000;
    checks.push({
      target: `10,000 idle ${m.transport} sessions: RSS`,
      measured: `${num(m.open.rssMb)} MB with ${m.opened}`,
      limit: '< 512 MB',
      met: full ? m.open.rssMb < 512 : undefined,
    });
    checks.push(check(`heap per idle ${m.transport} session`, [m.heapPerSessionKb], 25, 'lower', 'KB'));
  }
  if (report.soak) {
    checks.push(check(`soak heap growth (${report.soak.durationS} s)`, [report.soak.heapGrowthPct], 10, 'lower', '%'));
  }
  const tc = report.tokenCache;
  if (tc) {
    checks.push(check('token-cache hit path', [tc.hitUs], 10, 'lower', 'µs', '< 10 µs'));
    checks.push({
      target: 'token cache bounded, expired tokens evicted',
      measured: `${tc.sizeAfterFlood} entries after ${3 * tc.max} tokens (max ${tc.max}); ${tc.sizeAfterExpiry} after expiry`,
      limit: `≤ ${tc.max}; 0 after expiry`,
      met: tc.sizeAfterFlood <= tc.max && tc.sizeAfterExpiry === 0,
    });
  }
  return checks;
}
