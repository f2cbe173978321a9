/** The report as the terminal shows it. */
import type { BenchReport } from '../results.js';
import { int, num, ratio, table } from './format.js';

export function renderText(report: BenchReport): string {
  const out: string[] = [];
  const { meta } = report;
  out.push(`NeonPanel MCP bench — Node ${meta.node}, SDK ${meta.sdk}, ${meta.cpus} CPUs, load average ${meta.loadAverage.map((l) => num(l, 2)).join(' ')} at start${meta.quick ? ', --quick (figures are a smoke check only)' : ''}`);
  out.push(`Runs: ${meta.durations.warmupS} s warm-up + ${meta.durations.measureS} s measured each (tools-call, telemetry: in turns, rotating; upstream: twice that, in turns, after a warm-up at the highest concurrency); servers ${meta.pinned ? 'pinned to CPU 0, load to CPU 1' : 'not pinned'}.`);

  if (report.rows.length > 0) {
    out.push('', 'Throughput and latency (ratios: ours ÷ baseline at the same concurrency; throughput higher is better, the rest lower)');
    out.push(table(
      ['Scenario', 'Server', 'Conc', 'ops/s', 'p50 ms', 'p99 ms', 'CPU µs/op', 'RSS MB', '×ops/s', '×p50', '×p99', '×CPU', '×RSS', 'Errors'],
      report.rows.map((r) => [
        r.unit === 'sequence' ? `${r.scenario} (per sequence)` : r.scenario,
        r.server,
        String(r.concurrency),
        int(r.opsPerSec),
        num(r.p50Ms, 2),
        num(r.p99Ms, 2),
        int(r.cpuUsPerOp),
        num(r.rssMb, 0),
        ratio(r.ratio?.throughput),
        ratio(r.ratio?.p50),
        ratio(r.ratio?.p99),
        ratio(r.ratio?.cpu),
        ratio(r.ratio?.rss),
        r.failed ? 'FAILED' : String(r.errors.non2xx + r.errors.transport + r.errors.mismatches),
      ]),
      2,
    ));
  }

  const compared = report.rows.filter((r) => r.against !== undefined);
  if (compared.length > 0) {
    const names = [...new Set(compared.flatMap((r) => Object.keys(r.against!)))];
    out.push('', 'Ours against each reference (throughput: higher is better; CPU per call: lower is better)');
    out.push(table(
      ['Scenario', 'Server', 'Conc', ...names.flatMap((n) => (n === 'floor' ? [`×CPU ${n}`] : [`×ops/s ${n}`, `×CPU ${n}`]))],
      compared.map((r) => [
        r.scenario,
        r.server,
        String(r.concurrency),
        ...names.flatMap((n) => (n === 'floor' ? [ratio(r.against![n]?.cpu)] : [ratio(r.against![n]?.throughput), ratio(r.against![n]?.cpu)])),
      ]),
      3,
    ));
  }

  if (report.upstream.length > 0) {
    out.push('', `Latency added over calling the sandbox directly (fixed upstream latency ${report.upstream[0]!.upstreamLatencyMs} ms)`);
    out.push(table(
      ['Conc', 'direct p50', 'direct p99', 'raw hop p50', 'raw hop p99', 'ours p50', 'ours p99', 'added p50 ms', 'added p99 ms', 'added by a raw hop p50 / p99 ms'],
      report.upstream.map((u) => [
        String(u.concurrency), num(u.directP50Ms, 2), num(u.directP99Ms, 2), num(u.hopP50Ms, 2), num(u.hopP99Ms, 2),
        num(u.oursP50Ms, 2), num(u.oursP99Ms, 2), num(u.addedP50Ms, 2), num(u.addedP99Ms, 2),
        `${num(u.hopP50Ms - u.directP50Ms, 2)} / ${num(u.hopP99Ms - u.directP99Ms, 2)}`,
      ]),
    ));
    const withPrevious = report.upstream.filter((u) => u.previous !== undefined);
    if (withPrevious.length > 0) {
      out.push('', 'The same, against the --previous build measured in the same turns');
      out.push(table(
        ['Conc', 'previous p50', 'previous p99', 'added by previous p50 / p99 ms', 'added by ours p50 / p99 ms'],
        withPrevious.map((u) => [
          String(u.concurrency), num(u.previous!.p50Ms, 2), num(u.previous!.p99Ms, 2),
          `${num(u.previous!.addedP50Ms, 2)} / ${num(u.previous!.addedP99Ms, 2)}`, `${num(u.addedP50Ms, 2)} / ${num(u.addedP99Ms, 2)}`,
        ]),
      ));
    }
  }

  if (report.memory.length > 0) {
    out.push('', 'Idle sessions with open streams, one server process (heap after a full GC)');
    out.push(table(
      ['Transport', 'Sessions', 'RSS before', 'RSS open', 'Heap before', 'Heap open', 'RSS/session KB', 'Heap/session KB', 'Heap after close', 'Sockets open → closed'],
      report.memory.map((m) => [
        m.transport,
        `${int(m.opened)}/${int(m.requested)}`,
        `${num(m.before.rssMb)} MB`,
        `${num(m.open.rssMb)} MB`,
        `${num(m.before.heapUsedMb)} MB`,
        `${num(m.open.heapUsedMb)} MB`,
        num(m.rssPerSessionKb),
        num(m.heapPerSessionKb),
        `${num(m.afterClose.heapUsedMb)} MB`,
        `${m.open.resources['TCPSocketWrap'] ?? 0} → ${m.afterClose.resources['TCPSocketWrap'] ?? 0}`,
      ]),
    ));
  }

  const soak = report.soak;
  if (soak) {
    out.push('', `Soak: ${soak.durationS} s mixed traffic (${int(soak.traffic.steadyCalls)} session tools/calls, ${int(soak.traffic.churnSessions)} whole sessions, ${int(soak.traffic.sseSessions)} SSE sessions / ${int(soak.traffic.sseCalls)} calls, ${int(soak.traffic.streamsOpened)} GET streams; ${soak.traffic.errors} errors)`);
    const resources = (s: typeof soak.end): string =>
      Object.entries(s.resources).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k} ${v}`).join(', ');
    const counters = (s: typeof soak.end): string => (s.counters ? Object.entries(s.counters).map(([k, v]) => `${k} ${v}`).join(', ') : 'not published');
    out.push(table(
      ['Point', 'RSS MB', 'Heap MB', 'Live handles', 'Server counters'],
      [
        [`after ${soak.warmupS} s warm-up`, num(soak.afterWarmup.rssMb), num(soak.afterWarmup.heapUsedMb), resources(soak.afterWarmup), counters(soak.afterWarmup)],
        ['end of traffic', num(soak.end.rssMb), num(soak.end.heapUsedMb), resources(soak.end), counters(soak.end)],
        ['drained', num(soak.drained.rssMb), num(soak.drained.heapUsedMb), resources(soak.drained), counters(soak.drained)],
      ],
    ));
    out.push(`Heap growth, warm-up → end: ${num(soak.heapGrowthPct)} %`);
  }

  const spp = report.serverPerProcess;
  if (spp) {
    out.push('', `One v2 Server per process vs one per request (2026-07-28 tools/call, MCP layer only, in-process): ${num(spp.perProcessUs, 1)} µs vs ${num(spp.perRequestUs, 1)} µs per call, ${num(spp.gain, 2)}× in favour of ${spp.gain >= 1 ? 'one per process' : 'one per request'}`);
  }

  if (report.targets.length > 0) {
    out.push('', 'Targets of issues 8 and 12' + (meta.quick ? ' (a --quick run proves nothing about them)' : ''));
    out.push(table(['Target', 'Measured', 'Limit', 'Met'], report.targets.map((t) => [t.target, t.measured, t.limit, t.met === undefined ? 'n/a' : t.met ? 'yes' : 'NO']), 4));
  }

  if (report.problems.length > 0) {
    out.push('', 'Problems:', ...report.problems.map((p) => `  - ${p}`));
  }
  return out.join('\n');
}
