#!/usr/bin/env node
/**
 * Entry point of `pnpm run deploy | rollback | status | broker:register | broker:keys` (see
 * cli.ts). Wires the real AWS clients, the cdk CLI and the e2e matrix as the gate.
 */
import path from 'node:path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECSClient } from '@aws-sdk/client-ecs';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { repositoryRoot } from '../../lib/paths.js';
import { cdkRunner } from './cdk.js';
import { runCli } from './cli.js';
import { OpsError, type Gate, type MatrixReport } from './types.js';

interface E2eModule {
  runMatrix(options: { url: string; token?: string; timeoutMs?: number }): Promise<MatrixReport>;
}

/** Imported lazily and by a computed name, so this package builds before the e2e package does. */
async function loadGate(): Promise<Gate> {
  const specifier = '@neonpanel-mcp/e2e';
  let e2e: E2eModule;
  try {
    e2e = (await import(specifier)) as E2eModule;
  } catch (error) {
    throw new OpsError(`Could not load the e2e gate (${(error as Error).message}). Build it: pnpm --filter @neonpanel-mcp/e2e build`);
  }
  // Read here, passed to the runner, never printed: the runner redacts it from its report.
  const token = process.env['E2E_TOKEN'] || undefined;
  return (url) => e2e.runMatrix({ url, ...(token ? { token } : {}) });
}

const regionOption = (region: string | undefined) => (region ? { region } : {});

const code = await runCli(process.argv.slice(2), {
  cfn: (region) => new CloudFormationClient(regionOption(region)),
  ecs: (region) => new ECSClient(regionOption(region)),
  logs: (region) => new CloudWatchLogsClient(regionOption(region)),
  secrets: (region) => new SecretsManagerClient(regionOption(region)),
  gate: loadGate,
  runCdk: cdkRunner({ cwd: path.join(repositoryRoot(), 'packages/infrastructure') }),
  output: {
    info: (line) => process.stdout.write(`${line}\n`),
    error: (line) => process.stderr.write(`${line}\n`),
  },
}).catch((error: unknown) => {
  process.stderr.write(`${error instanceof OpsError ? error.message : String((error as Error)?.stack ?? error)}\n`);
  return 1;
});
// The gate's keep-alive sockets must not hold the exit up; flush stdout first.
process.stdout.write('', () => process.exit(code));
