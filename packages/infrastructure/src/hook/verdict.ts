/**
 * From a matrix report to the hook's answer and its log record. Pure: the handler runs the
 * matrix, this decides. A gate passes only when the server answered, nothing failed and
 * something was checked; an unreachable green is retried (IN_PROGRESS) within a bound, then fails.
 */
import type { HookEvent, HookResponse } from './contract.js';
import type { MatrixRunner } from './matrix.js';

export type MatrixOutcome = Awaited<ReturnType<MatrixRunner>>;

/** The one JSON line per invocation the operator tools search the hook's logs for. */
export const VERDICT_EVENT = 'release-gate-verdict';

export interface VerdictRecord {
  event: typeof VERDICT_EVENT;
  hookStatus: HookResponse['hookStatus'];
  /** One sentence: why this status. */
  reason: string;
  executionId: string;
  lifecycleStage: string;
  serviceDeploymentArn: string;
  targetServiceRevisionArn: string;
  attempt: number;
  passed: number;
  failed: number;
  /** `[category] name: expected …; got …`, one per failed case. */
  failedCases: string[];
  /** Cases not run for want of an option (e.g. no token configured). */
  skipped: string[];
}

export interface RetryBound {
  maxAttempts: number;
  retryDelaySeconds: number;
}

export function describeCase(result: { category: string; name: string; expected: string; got: string }): string {
  return `[${result.category}] ${result.name}: expected ${result.expected}; got ${result.got}`;
}

function record(event: HookEvent, attempt: number, hookStatus: HookResponse['hookStatus'], reason: string, report?: MatrixOutcome): VerdictRecord {
  return {
    event: VERDICT_EVENT,
    hookStatus,
    reason,
    executionId: event.executionId,
    lifecycleStage: event.lifecycleStage,
    serviceDeploymentArn: event.resourceArn,
    targetServiceRevisionArn: event.executionDetails.targetServiceRevisionArn,
    attempt,
    passed: report?.passed ?? 0,
    failed: report?.failed ?? 0,
    failedCases: report && !report.unreachable ? report.results.filter((r) => !r.ok).map(describeCase) : [],
    skipped: (report?.skipped ?? []).map((s) => `[${s.category}] ${s.name}`),
  };
}

/** A failure that is not the matrix's verdict (bad event, wrong stage, secret, deadline). */
export function failure(event: HookEvent, attempt: number, reason: string): { response: HookResponse; record: VerdictRecord } {
  return { response: { hookStatus: 'FAILED' }, record: record(event, attempt, 'FAILED', reason) };
}

export function decide(event: HookEvent, attempt: number, report: MatrixOutcome, bound: RetryBound): { response: HookResponse; record: VerdictRecord } {
  if (report.unreachable) {
    const detail = report.results[0]?.got ?? 'no answer';
    if (attempt < bound.maxAttempts) {
      return {
        response: { hookStatus: 'IN_PROGRESS', callBackDelay: bound.retryDelaySeconds, hookDetails: { ...event.hookDetails, gateAttempts: attempt } },
        record: record(event, attempt, 'IN_PROGRESS', `the green revision did not answer (${detail}); trying again in ${String(bound.retryDelaySeconds)} s (attempt ${String(attempt)} of ${String(bound.maxAttempts)})`, report),
      };
    }
    return { response: { hookStatus: 'FAILED' }, record: record(event, attempt, 'FAILED', `the green revision did not answer after ${String(attempt)} attempt(s) (${detail})`, report) };
  }
  if (report.failed > 0) {
    return { response: { hookStatus: 'FAILED' }, record: record(event, attempt, 'FAILED', `${String(report.failed)} of ${String(report.passed + report.failed)} cases failed`, report) };
  }
  if (report.passed === 0) {
    return { response: { hookStatus: 'FAILED' }, record: record(event, attempt, 'FAILED', 'no case ran', report) };
  }
  return { response: { hookStatus: 'SUCCEEDED' }, record: record(event, attempt, 'SUCCEEDED', `all ${String(report.passed)} cases passed`, report) };
}
