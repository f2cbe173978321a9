/**
 * The canary's settings from the Lambda environment (lib/constructs/canary.ts sets them). The
 * matrix part is the release hook's, under the same names; the canary adds its namespace.
 * A bad value throws one sentence naming the variable.
 */
import { matrixSettingsFromEnv, type MatrixEnvironmentSettings } from '../hook/settings.js';

export const CANARY_ENV = {
  namespace: 'CANARY_METRICS_NAMESPACE',
} as const;

export interface CanarySettings extends MatrixEnvironmentSettings {
  /** The gateway's CloudWatch namespace. */
  namespace: string;
}

export function canarySettingsFromEnv(env: Record<string, string | undefined>): CanarySettings {
  const namespace = env[CANARY_ENV.namespace];
  if (!namespace) throw new Error(`${CANARY_ENV.namespace} is required: the CloudWatch namespace the canary publishes to`);
  return { ...matrixSettingsFromEnv(env), namespace };
}
