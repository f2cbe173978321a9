/**
 * The scheduled canary: the release gate's matrix, run against the public production URL
 * every few minutes, so a break after the release (NeonPanel's keys or metadata, a certificate,
 * DNS, drifted configuration) turns an alarm red instead of reaching users first.
 *
 * Like the hook (src/hook/handler.ts): a plain module, wired by the Lambda entry; every log line
 * one JSON object through a redactor that knows the tokens. It never throws for a red run —
 * a red run is a verdict, logged and published; it throws only when the metrics cannot be
 * published, so the function's own Errors metric shows that.
 */
import { redactor } from '@neonpanel-mcp/e2e';
import type { InvocationContext } from '../hook/deadline.js';
import { runGateMatrix, type GateRunSettings } from '../hook/gate-run.js';
import type { GateTokens, MatrixRunner } from '../hook/matrix.js';
import { CANARY_CASE_EVENT, canaryFailure, judgeCanary, type CanaryVerdictRecord } from './verdict.js';

export type CanaryRunSettings = GateRunSettings;

export interface CanaryDependencies {
  runMatrix: MatrixRunner;
  /** Present when the gate's token secret is configured. */
  readTokens?: () => Promise<GateTokens>;
  /** Publishes the run's metrics (metrics.ts in the Lambda; a recorder or a mocked client in tests). */
  publish: (verdict: CanaryVerdictRecord) => Promise<void>;
  log: (line: string) => void;
  now?: () => Date;
}

export function createCanary(settings: CanaryRunSettings, deps: CanaryDependencies) {
  const now = deps.now ?? (() => new Date());
  return async function canary(_event?: unknown, context?: InvocationContext): Promise<CanaryVerdictRecord> {
    const run = await runGateMatrix(settings, deps, context);
    const redact = redactor([run.tokens?.token, run.tokens?.limitedToken]);
    const verdict = 'failure' in run ? canaryFailure(settings.url, now(), run.failure) : judgeCanary(settings.url, now(), run.report);

    deps.log(redact(JSON.stringify(verdict)));
    for (const line of verdict.failedCases) deps.log(redact(JSON.stringify({ event: CANARY_CASE_EVENT, outcome: 'FAIL', case: line, at: verdict.at })));
    await deps.publish(verdict);
    return verdict;
  };
}
