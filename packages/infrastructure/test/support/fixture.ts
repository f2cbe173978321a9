/**
 * One synthesized gateway app per test file: context from cdk.json (the feature flags a real
 * synth uses) plus a fixture configuration that exercises the optional settings.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { createGatewayApp, type GatewayApp } from '../../lib/app.js';

export const FIXTURE_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:neonpanel-mcp/oauth-client-AbCdEf';

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
};

export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
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
