/**
 * The release gate as an ECS lifecycle hook: at POST_TEST_TRAFFIC_SHIFT the green revision
 * has all the test traffic and none of production's; the e2e auth matrix runs against it and
 * the answer tells ECS to shift production traffic (SUCCEEDED) or roll back (FAILED).
 *
 * A plain module: the Lambda entry (lambda.ts) wires in the real runner and Secrets Manager,
 * tests wire in servers on loopback. Every log line is one JSON object, passed through a
 * redactor that knows the tokens, so a token can reach the logs by no path.
 */
import { redactor } from '@neonpanel-mcp/e2e';
import type { InvocationContext } from './deadline.js';
import { runGateMatrix } from './gate-run.js';
import { GATE_STAGE, parseHookEvent, previousAttempts, type HookEvent, type HookResponse } from './contract.js';
import type { GateTokens, MatrixRunner } from './matrix.js';
import { decide, failure, VERDICT_EVENT, type VerdictRecord } from './verdict.js';

export interface ReleaseHookSettings {
  /** The URL the matrix runs against: the public URL; the test rule routes this function's requests to green. */
  url: string;
  /** Limit for each request of the matrix, in ms. */
  timeoutMs: number;
  /** Invocations in a row that may find green unreachable before the hook fails. */
  maxAttempts: number;
  /** Seconds ECS waits before invoking again while green is unreachable. */
  retryDelaySeconds: number;
  /** Time kept back from the Lambda's own deadline for reporting, in ms. */
  reserveMs: number;
  readTool?: string;
  scopeProbeTool?: string;
  /** The gateway's AUTH_MODE; `broker` runs the broker cases too. @default the runner's (direct) */
  authMode?: 'broker' | 'direct';
}

export interface ReleaseHookDependencies {
  runMatrix: MatrixRunner;
  /** Present when a token secret is configured. */
  readTokens?: () => Promise<GateTokens>;
  log: (line: string) => void;
}

export type { InvocationContext };

export function createReleaseHook(settings: ReleaseHookSettings, deps: ReleaseHookDependencies) {
  return async function releaseHook(rawEvent: unknown, context?: InvocationContext): Promise<HookResponse> {
    let redact = redactor([]);
    const emit = (record: VerdictRecord): void => {
      deps.log(redact(JSON.stringify(record)));
      for (const line of record.failedCases) deps.log(redact(JSON.stringify({ event: 'release-gate-case', outcome: 'FAIL', case: line, serviceDeploymentArn: record.serviceDeploymentArn })));
    };

    const parsed = parseHookEvent(rawEvent);
    if (typeof parsed === 'string') {
      deps.log(JSON.stringify({ event: VERDICT_EVENT, hookStatus: 'FAILED', reason: `unusable lifecycle event: ${parsed}` }));
      return { hookStatus: 'FAILED' };
    }
    const event: HookEvent = parsed;
    const attempt = previousAttempts(event) + 1;

    if (event.lifecycleStage !== GATE_STAGE) {
      const result = failure(event, attempt, `invoked at ${event.lifecycleStage}; this hook gates at ${GATE_STAGE} only (check the service's lifecycle hooks)`);
      emit(result.record);
      return result.response;
    }

    const run = await runGateMatrix(settings, deps, context);
    if (run.tokens) redact = redactor([run.tokens.token, run.tokens.limitedToken]);
    if ('failure' in run) {
      const result = failure(event, attempt, run.failure);
      emit(result.record);
      return result.response;
    }

    const result = decide(event, attempt, run.report, settings);
    emit(result.record);
    return result.response;
  };
}
