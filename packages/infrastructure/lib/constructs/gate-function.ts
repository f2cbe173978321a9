/**
 * What the release hook's function and the canary's have in common, as they run the same
 * matrix from the same bundle: the matrix's environment and the grant on the gate's secret.
 */
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { HOOK_ENV } from '../../src/hook/settings.js';

export interface GateMatrixProps {
  /** The URL the matrix runs against. */
  url: string;
  /** Complete ARN of the gate's token secret. @default undefined (the token-less cases only) */
  tokenSecretArn?: string;
  /** A tool the secret's limited token lacks the scope for. @default undefined (the scope case is skipped) */
  scopeProbeTool?: string;
  /** Limit for each request of the matrix. @default 5 seconds */
  requestTimeout?: Duration;
  /** The gateway's AUTH_MODE: under `broker` the matrix also checks the broker's discovery and refusals. @default direct */
  authMode?: 'broker' | 'direct';
}

/** The matrix's variables (src/hook/settings.ts reads them). */
export function gateEnvironment(props: GateMatrixProps): Record<string, string> {
  return {
    [HOOK_ENV.url]: props.url,
    [HOOK_ENV.timeoutMs]: String((props.requestTimeout ?? Duration.seconds(5)).toMilliseconds()),
    ...(props.tokenSecretArn ? { [HOOK_ENV.tokenSecretArn]: props.tokenSecretArn } : {}),
    ...(props.scopeProbeTool ? { [HOOK_ENV.scopeProbeTool]: props.scopeProbeTool } : {}),
    ...(props.authMode ? { [HOOK_ENV.authMode]: props.authMode } : {}),
  };
}

/**
 * Access to the gate's secret, on that secret only; nothing when none is configured. Write too:
 * a broker grant's refresh token rotates at each use and is written back (src/hook/broker-grant.ts).
 */
export function grantGateSecret(role: iam.Role, props: GateMatrixProps): void {
  if (!props.tokenSecretArn) return;
  role.addToPolicy(new iam.PolicyStatement({
    sid: 'GateTokenSecret',
    actions: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
    resources: [props.tokenSecretArn],
  }));
}
