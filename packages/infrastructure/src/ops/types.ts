/**
 * Shapes shared by the operator tools. The gate's report mirrors `MatrixReport` from
 * @neonpanel-mcp/e2e (packages/e2e/src/runner.ts); it is declared here so the tools and their
 * tests type-check without the e2e package being built, and the CLI wires in the real one.
 */

export interface GateCaseResult {
  category: string;
  name: string;
  ok: boolean;
  expected: string;
  got: string;
  /** How long the case took, in ms (the canary's latency). */
  durationMs?: number;
}

export interface MatrixReport {
  passed: number;
  failed: number;
  /** The server did not answer at all. */
  unreachable: boolean;
  results: GateCaseResult[];
}

/** Runs the cdk CLI with these arguments and resolves to its exit code (cdk.ts; fakes in tests). */
export type CdkRunner = (args: string[]) => Promise<number>;

/** Runs the e2e matrix against a URL. The real one is `runMatrix` from @neonpanel-mcp/e2e. */
export type Gate = (url: string) => Promise<MatrixReport>;

/** Where the tools write what they are doing; stdout/stderr in the CLI, an array in tests. */
export interface Output {
  info(line: string): void;
  error(line: string): void;
}

/** Bounds of an ECS "services stable" wait, in seconds (the SDK waiter's units). */
export interface WaitSettings {
  maxWaitSeconds: number;
  minDelaySeconds: number;
  maxDelaySeconds: number;
}

/** ECS deployments of this service usually settle within ten minutes; thirty is the ceiling. */
export const DEFAULT_WAIT: WaitSettings = { maxWaitSeconds: 1800, minDelaySeconds: 15, maxDelaySeconds: 60 };

/** How long the gate keeps retrying while the URL does not answer (new DNS name, new certificate). */
export interface GateRetrySettings {
  attempts: number;
  delayMs: number;
  sleep?: (ms: number) => Promise<void>;
}

/** Twenty attempts fifteen seconds apart: five minutes for DNS and ACM to settle. */
export const DEFAULT_GATE_RETRY: GateRetrySettings = { attempts: 20, delayMs: 15_000 };

/** A failure the operator must read: the message says what happened and what to do. */
export class OpsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OpsError';
  }
}

/** Wraps an AWS SDK failure with the operation that failed. SDK messages carry no credentials. */
export function awsError(operation: string, error: unknown): OpsError {
  const e = error as { name?: string; message?: string };
  return new OpsError(`${operation} failed: ${e.name ?? 'Error'}: ${e.message ?? String(error)}`);
}

/** How `deploy` follows a blue/green deployment: one look every `pollSeconds`, for at most `maxWaitSeconds`. */
export interface FollowSettings {
  pollSeconds: number;
  maxWaitSeconds: number;
  sleep?: (ms: number) => Promise<void>;
}

/** A deployment here takes minutes plus the bake time (10 by default); an hour is the ceiling. */
export const DEFAULT_FOLLOW: FollowSettings = { pollSeconds: 15, maxWaitSeconds: 3600 };
