/**
 * From a matrix report to the canary's verdict: the one JSON line per run that `ops status`
 * reads back, and the two numbers it publishes. Pure, like the hook's verdict.ts: the handler
 * runs the matrix, this judges.
 *
 * A run passes only when the gateway answered, nothing failed and something was checked.
 * `casesFailed` is what the alarm watches, so every kind of red counts at least one: a run
 * that could not start (the secret) or checked nothing counts 1, an unreachable gateway counts
 * every case it could not run.
 */
import type { MatrixOutcome } from '../hook/verdict.js';
import { describeCase } from '../hook/verdict.js';

/** The one JSON line per run the operator tools search the canary's logs for. */
export const CANARY_VERDICT_EVENT = 'canary-verdict';
/** One line per failed case, beside the verdict (the hook writes `release-gate-case`). */
export const CANARY_CASE_EVENT = 'canary-case';

export interface CanaryVerdictRecord {
  event: typeof CANARY_VERDICT_EVENT;
  status: 'PASSED' | 'FAILED';
  /** One sentence: why this status. */
  reason: string;
  /** The public URL the matrix ran against. */
  url: string;
  /** When the run ended (ISO 8601). */
  at: string;
  passed: number;
  failed: number;
  /** The value published as CanaryCasesFailed. */
  casesFailed: number;
  /** The median of the cases' durations, published as CanaryLatency; absent when none was timed. */
  latencyP50Ms?: number;
  unreachable: boolean;
  /** `[category] name: expected …; got …`, one per failed case. */
  failedCases: string[];
  /** Cases not run for want of an option (no token configured). */
  skipped: string[];
}

/** The median by nearest rank (the lower middle of an even count): a value some request really took. */
export function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(sorted.length / 2) - 1];
}

export function judgeCanary(url: string, at: Date, report: MatrixOutcome): CanaryVerdictRecord {
  const base = {
    event: CANARY_VERDICT_EVENT,
    url,
    at: at.toISOString(),
    passed: report.passed,
    failed: report.failed,
    unreachable: report.unreachable,
    skipped: (report.skipped ?? []).map((s) => `[${s.category}] ${s.name}`),
  } as const;
  if (report.unreachable) {
    return {
      ...base,
      status: 'FAILED',
      reason: `the gateway did not answer (${report.results[0]?.got ?? 'no answer'})`,
      casesFailed: Math.max(1, report.results.length),
      failedCases: [],
    };
  }
  const timed = report.results.map((r) => r.durationMs).filter((d): d is number => typeof d === 'number');
  const p50 = median(timed);
  const latency = p50 === undefined ? {} : { latencyP50Ms: p50 };
  const failedCases = report.results.filter((r) => !r.ok).map(describeCase);
  if (report.failed > 0) {
    return { ...base, ...latency, status: 'FAILED', reason: `${String(report.failed)} of ${String(report.passed + report.failed)} cases failed`, casesFailed: report.failed, failedCases };
  }
  if (report.passed === 0) return { ...base, ...latency, status: 'FAILED', reason: 'no case ran', casesFailed: 1, failedCases };
  return { ...base, ...latency, status: 'PASSED', reason: `all ${String(report.passed)} cases passed`, casesFailed: 0, failedCases };
}

/** A red run that never reached the matrix (the secret, the deadline, a runner that threw). */
export function canaryFailure(url: string, at: Date, reason: string): CanaryVerdictRecord {
  return {
    event: CANARY_VERDICT_EVENT, status: 'FAILED', reason, url, at: at.toISOString(),
    passed: 0, failed: 0, casesFailed: 1, unreachable: false, failedCases: [], skipped: [],
  };
}
