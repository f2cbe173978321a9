/**
 * The hook's settings from the Lambda environment (the stack sets them; lib/constructs/release-hook.ts).
 * The only reader of process.env in the hook; a bad value throws one sentence naming the variable.
 * The canary (src/canary/settings.ts) shares the bundle, the variable names and `matrixSettingsFromEnv`.
 */
import type { ReleaseHookSettings } from './handler.js';

export const HOOK_ENV = {
  url: 'GATE_URL',
  timeoutMs: 'GATE_TIMEOUT_MS',
  maxAttempts: 'GATE_MAX_ATTEMPTS',
  retryDelaySeconds: 'GATE_RETRY_DELAY_SECONDS',
  tokenSecretArn: 'GATE_TOKEN_SECRET_ARN',
  readTool: 'GATE_READ_TOOL',
  scopeProbeTool: 'GATE_SCOPE_PROBE_TOOL',
  authMode: 'GATE_AUTH_MODE',
} as const;

export interface HookEnvironmentSettings extends ReleaseHookSettings {
  tokenSecretArn: string | undefined;
}

/** What the hook and the canary both need to run the matrix. */
export interface MatrixEnvironmentSettings {
  url: string;
  timeoutMs: number;
  reserveMs: number;
  tokenSecretArn: string | undefined;
  readTool?: string;
  scopeProbeTool?: string;
  /** The gateway's AUTH_MODE: `broker` also runs the broker cases (its discovery names itself). */
  authMode?: 'broker' | 'direct';
}

export function integer(env: Record<string, string | undefined>, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be an integer between ${String(min)} and ${String(max)}, got "${raw}"`);
  return value;
}

export function matrixSettingsFromEnv(env: Record<string, string | undefined>): MatrixEnvironmentSettings {
  const url = env[HOOK_ENV.url];
  if (!url) throw new Error(`${HOOK_ENV.url} is required: the URL the matrix runs against`);
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error('not http(s)');
  } catch {
    throw new Error(`${HOOK_ENV.url} must be an absolute http(s) URL, got "${url}"`);
  }
  const authMode = env[HOOK_ENV.authMode] || undefined;
  if (authMode !== undefined && authMode !== 'broker' && authMode !== 'direct') throw new Error(`${HOOK_ENV.authMode} must be broker or direct, got "${authMode}"`);
  return {
    url,
    ...(authMode ? { authMode } : {}),
    timeoutMs: integer(env, HOOK_ENV.timeoutMs, 5_000, 100, 60_000),
    reserveMs: 10_000,
    tokenSecretArn: env[HOOK_ENV.tokenSecretArn] || undefined,
    ...(env[HOOK_ENV.readTool] ? { readTool: env[HOOK_ENV.readTool] } : {}),
    ...(env[HOOK_ENV.scopeProbeTool] ? { scopeProbeTool: env[HOOK_ENV.scopeProbeTool] } : {}),
  };
}

export function hookSettingsFromEnv(env: Record<string, string | undefined>): HookEnvironmentSettings {
  return {
    ...matrixSettingsFromEnv(env),
    maxAttempts: integer(env, HOOK_ENV.maxAttempts, 4, 1, 20),
    retryDelaySeconds: integer(env, HOOK_ENV.retryDelaySeconds, 30, 1, 900),
  };
}
