/**
 * The Lambda entry points, bundled by scripts/bundle-release-hook.mjs into
 * dist/release-hook/index.mjs: `index.handler` is the release hook, `index.canary` the
 * scheduled canary. One bundle, so both run the same e2e runner. Each is built on its first
 * invocation from the environment the stack sets for that function, so the canary's function
 * does not need the hook's variables nor the hook's the canary's.
 */
import { setDefaultResultOrder } from 'node:dns';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { runMatrix } from '@neonpanel-mcp/e2e';
import { createCanary } from '../canary/handler.js';
import { publishCanaryMetrics } from '../canary/metrics.js';
import { canarySettingsFromEnv } from '../canary/settings.js';
import type { InvocationContext } from './deadline.js';
import { createReleaseHook } from './handler.js';
import { hookSettingsFromEnv } from './settings.js';
import { readGateTokens } from './tokens.js';

// The test rule admits the hook by the VPC's NAT gateway addresses, which are IPv4. The canary
// runs outside the VPC, where IPv4 first is what most clients do too.
setDefaultResultOrder('ipv4first');

const log = (line: string): void => console.log(line);
/** Reads the gate secret at each run; a broker grant in it is redeemed at the gateway under test. */
const tokenReader = (settings: { tokenSecretArn: string | undefined; url: string; timeoutMs: number }) => {
  const secretArn = settings.tokenSecretArn;
  if (!secretArn) return {};
  const secrets = new SecretsManagerClient({});
  return { readTokens: () => readGateTokens(secrets, secretArn, { gatewayUrl: settings.url, timeoutMs: settings.timeoutMs }) };
};

let releaseHook: ReturnType<typeof createReleaseHook> | undefined;
export const handler = (event: unknown, context?: InvocationContext) => {
  if (!releaseHook) {
    const settings = hookSettingsFromEnv(process.env);
    releaseHook = createReleaseHook(settings, { runMatrix, ...tokenReader(settings), log });
  }
  return releaseHook(event, context);
};

let canaryRun: ReturnType<typeof createCanary> | undefined;
export const canary = (event: unknown, context?: InvocationContext) => {
  if (!canaryRun) {
    const settings = canarySettingsFromEnv(process.env);
    const cloudwatch = new CloudWatchClient({});
    canaryRun = createCanary(settings, {
      runMatrix,
      ...tokenReader(settings),
      publish: (verdict) => publishCanaryMetrics(cloudwatch, settings.namespace, verdict),
      log,
    });
  }
  return canaryRun(event, context);
};
