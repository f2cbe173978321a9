/**
 * The Lambda entry point, bundled by scripts/bundle-release-hook.mjs into
 * dist/release-hook/index.mjs (handler `index.handler`). Wires the e2e runner and Secrets
 * Manager into the handler; settings come from the environment the stack sets.
 */
import { setDefaultResultOrder } from 'node:dns';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { runMatrix } from '@neonpanel-mcp/e2e';
import { createReleaseHook } from './handler.js';
import { hookSettingsFromEnv } from './settings.js';
import { readGateTokens } from './tokens.js';

// The test rule admits this function by the VPC's NAT gateway addresses, which are IPv4.
setDefaultResultOrder('ipv4first');

const settings = hookSettingsFromEnv(process.env);
const secrets = new SecretsManagerClient({});
const secretArn = settings.tokenSecretArn;

export const handler = createReleaseHook(settings, {
  runMatrix,
  ...(secretArn ? { readTokens: () => readGateTokens(secrets, secretArn) } : {}),
  log: (line) => console.log(line),
});
