/**
 * One run of the matrix as the release hook and the canary both make it: read the gate's
 * tokens when a secret is configured, run the matrix within the function's own deadline, and
 * say in one sentence why when it could not be run. Each caller then judges the report its way.
 */
import { GrantError } from './broker-grant.js';
import { DeadlineExceeded, withDeadline, type InvocationContext } from './deadline.js';
import { matrixRunOptions, type GateTokens, type MatrixRunner } from './matrix.js';
import type { MatrixOutcome } from './verdict.js';

export interface GateRunSettings {
  url: string;
  timeoutMs: number;
  /** Time kept back from the Lambda's own deadline for reporting, in ms. */
  reserveMs: number;
  readTool?: string;
  scopeProbeTool?: string;
  authMode?: 'broker' | 'direct';
}

export interface GateRunDependencies {
  runMatrix: MatrixRunner;
  /** Present when a token secret is configured. */
  readTokens?: () => Promise<GateTokens>;
}

/** The report, or why there is none; with the tokens read, so the caller can redact them. */
export type GateRun =
  | { report: MatrixOutcome; tokens: GateTokens | undefined }
  | { failure: string; tokens: GateTokens | undefined };

/** The report of a run that found the gateway silent before any case (as the runner reports one). */
const unreachable = (reason: string): MatrixOutcome => ({
  passed: 0, failed: 1, unreachable: true,
  results: [{ category: 'real-token', name: 'redeem the gate grant', ok: false, expected: 'an answer', got: `unreachable: ${reason}` }],
});

export async function runGateMatrix(settings: GateRunSettings, deps: GateRunDependencies, context?: InvocationContext): Promise<GateRun> {
  let tokens: GateTokens | undefined;
  if (deps.readTokens) {
    try {
      tokens = await deps.readTokens();
    } catch (error) {
      // Redeeming a broker grant needs the gateway: when it does not answer at all, that is an
      // unreachable gateway (the hook retries green), not a broken secret.
      if (error instanceof GrantError && error.unreachable) return { report: unreachable(error.message), tokens: undefined };
      return { failure: `could not read the real-token cases' token: ${(error as Error).message}`, tokens: undefined };
    }
  }
  const budget = context ? context.getRemainingTimeInMillis() - settings.reserveMs : undefined;
  try {
    return { report: await withDeadline(deps.runMatrix(matrixRunOptions(settings, tokens)), budget), tokens };
  } catch (error) {
    return {
      failure: error instanceof DeadlineExceeded
        ? `the matrix did not finish within ${String(Math.round((budget ?? 0) / 1000))} s, before the function's own deadline`
        : `the matrix could not run: ${(error as Error).message ?? String(error)}`,
      tokens,
    };
  }
}
