/**
 * One synthesized gateway app per test file: context from cdk.json (the feature flags a real
 * synth uses) plus a fixture configuration that exercises the optional settings.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { createGatewayApp, type GatewayApp } from '../../lib/app.js';
import { releaseHookBundleDir } from '../../lib/paths.js';

export const FIXTURE_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:neonpanel-mcp/oauth-client-AbCdEf';

export const FIXTURE_GATE_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:neonpanel-mcp/release-gate-XyZ123';

export const FIXTURE_CONTEXT = {
  hostedZoneId: 'Z0123456789EXAMPLE',
  region: 'eu-west-1',
  oauthIssuer: 'https://auth.example.test',
  oauthJwksUri: 'https://auth.example.test/keys',
  oauthAudience: 'https://mcp.neonpanel.com,https://mcp.neonpanel.com/mcp,https://mcp.neonpanel.com/sse,neonpanel-mcp',
  oauthScopes: 'read:inventory read:analytics',
  oauthIntrospectionUrl: 'https://auth.example.test/introspect',
  oauthClientId: 'neonpanel-mcp',
  oauthClientSecretArn: FIXTURE_SECRET_ARN,
  neonpanelApiBase: 'https://api.example.test',
  desiredCount: '3',
  minTasks: 2,
  maxTasks: 8,
  cpu: 1024,
  memoryMiB: 2048,
  logRetentionDays: 90,
  bakeTimeMinutes: '15',
  releaseHookTokenSecretArn: FIXTURE_GATE_SECRET_ARN,
  releaseHookScopeProbeTool: 'neonpanel_import_pdf',
};

export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
}

/** The stack packages the release hook's bundle; `pnpm build` makes it, and so does this when it is missing. */
export function ensureReleaseHookBundle(): string {
  const dir = releaseHookBundleDir();
  if (!existsSync(path.join(dir, 'index.mjs'))) {
    const script = new URL('../../scripts/bundle-release-hook.mjs', import.meta.url).pathname;
    const built = spawnSync(process.execPath, [script], { encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`Could not bundle the release hook: ${built.stderr}`);
  }
  return dir;
}

export interface Synthesized extends GatewayApp {
  template: Template;
  outdir: string;
  dispose(): void;
}

/**
 * Synthesizes once. Built-in CloudFormation validation is off here (about 5 s a synth); CI
 * runs `pnpm synth:strict` with it on. cdk-nag runs regardless: it is a plugin of the app.
 */
export function synthesize(context: Record<string, unknown> = FIXTURE_CONTEXT): Synthesized {
  ensureReleaseHookBundle();
  const outdir = mkdtempSync(path.join(tmpdir(), 'gateway-cdk-'));
  const gateway = createGatewayApp({
    outdir,
    builtinCloudFormationValidation: false,
    // Strict: a cdk-nag warning fails the synth too, not only an error.
    context: { ...cdkJsonContext(), '@aws-cdk/core:strictCfnValidateErrors': true, ...context },
    env: {},
  });
  gateway.app.synth();
  const template = Template.fromStack(gateway.stack);
  return { ...gateway, template, outdir, dispose: () => rmSync(outdir, { recursive: true, force: true }) };
}
