/**
 * Command line of the operator tools: `deploy`, `rollback [--to N]`, `status`. Parsing and
 * dispatch only; every AWS client, the gate and the cdk runner are handed in, so tests run
 * the real dispatch with fakes.
 */
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { defaultBrokerSecretName } from '../../lib/broker.js';
import { DEFAULT_DOMAIN, DEFAULT_STACK_NAME } from '../../lib/config.js';
import { keysCommand } from './broker-keys.js';
import { registerCommand, type ClientAuthMethod } from './neonpanel-register.js';
import { deployCommand } from './deploy.js';
import { rollbackCommand } from './rollback.js';
import { readStackOutputs } from './stack-outputs.js';
import { statusCommand } from './status.js';
import { OpsError, type CdkRunner, type FollowSettings, type Gate, type GateRetrySettings, type Output, type WaitSettings } from './types.js';

export const USAGE = `Usage:
  pnpm run deploy   [--stack NAME] [--region REGION] [cdk deploy options…]
  pnpm run rollback [--stack NAME] [--region REGION] [--to REVISION]
  pnpm run status   [--stack NAME] [--region REGION]
  pnpm run broker:register [--stack NAME] [--region REGION] [--issuer URL] [--domain NAME]
                           [--auth-method client_secret_basic|client_secret_post] [--secret NAME] [--write]
  pnpm run broker:keys     [--stack NAME] [--region REGION] [--secret NAME] [--write]

  --stack NAME      CloudFormation stack (default ${DEFAULT_STACK_NAME})
  --region REGION   AWS region (default: the AWS SDK's, e.g. AWS_REGION or the profile's)
  --to REVISION     task-definition revision number to roll back to (default: the previous ACTIVE one)
  --issuer URL      NeonPanel's issuer (default https://my.neonpanel.com)
  --domain NAME     the gateway's host name, for its callback (default ${DEFAULT_DOMAIN})
  --secret NAME     the broker secret (default neonpanel-mcp/<stack>/broker, as the stack reads it)
  --write           put the result into the broker secret instead of printing it

  On a blue/green stack, deploy follows the ECS deployment (the release hook runs the auth
  matrix against the new revision before production traffic shifts; ECS rolls back on a
  failure) and reports it. On a rolling stack, the gate runs after cdk deploy and uses
  E2E_TOKEN, when set, for the real-token cases. Exit codes: 0 success, 1 failure (hook or
  gate failed, rolled back, timed out, or an AWS call failed), 2 bad usage.`;

export type Command = 'deploy' | 'rollback' | 'status' | 'register' | 'keys';
const COMMANDS: readonly Command[] = ['deploy', 'rollback', 'status', 'register', 'keys'];

export interface ParsedCommandLine {
  command: Command;
  stackName: string;
  region: string | undefined;
  to: number | undefined;
  /** deploy only: passed through to `cdk deploy`. */
  cdkArgs: string[];
  /** register and keys. */
  broker: { issuer: string; domainName: string; authMethod: ClientAuthMethod; secretName: string | undefined; write: boolean };
}

export class UsageError extends Error {}

export function parseCommandLine(argv: string[]): ParsedCommandLine {
  const [command, ...rest] = argv;
  if (!COMMANDS.includes(command as Command)) {
    throw new UsageError(command === undefined ? 'No command given.' : `Unknown command: ${command}.`);
  }
  const parsed: ParsedCommandLine = {
    command: command as Command, stackName: DEFAULT_STACK_NAME, region: undefined, to: undefined, cdkArgs: [],
    broker: { issuer: 'https://my.neonpanel.com', domainName: DEFAULT_DOMAIN, authMethod: 'client_secret_basic', secretName: undefined, write: false },
  };
  const brokerCommand = command === 'register' || command === 'keys';
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? rest[++i];
      if (v === undefined || v === '') throw new UsageError(`${flag} needs a value.`);
      return v;
    };
    if (flag === '--stack') parsed.stackName = value();
    else if (flag === '--region') parsed.region = value();
    else if (flag === '--to' && command === 'rollback') {
      const raw = value();
      if (!/^[1-9]\d*$/.test(raw)) throw new UsageError(`--to must be a revision number, got ${raw}.`);
      parsed.to = Number(raw);
    } else if (brokerCommand && flag === '--secret') parsed.broker.secretName = value();
    else if (brokerCommand && flag === '--write') parsed.broker.write = true;
    else if (command === 'register' && flag === '--issuer') parsed.broker.issuer = value();
    else if (command === 'register' && flag === '--domain') parsed.broker.domainName = value().toLowerCase();
    else if (command === 'register' && flag === '--auth-method') {
      const method = value();
      if (method !== 'client_secret_basic' && method !== 'client_secret_post') throw new UsageError(`--auth-method must be client_secret_basic or client_secret_post, got ${method}.`);
      parsed.broker.authMethod = method;
    } else if (command === 'deploy' && arg !== '--') parsed.cdkArgs.push(arg);
    else if (arg !== '--') throw new UsageError(`Unknown option for ${command}: ${arg}.`);
  }
  if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(parsed.stackName)) throw new UsageError(`Not a stack name: ${parsed.stackName}.`);
  // The CDK app names its stack from context; keep it and the tools on the same stack.
  if (command === 'deploy' && parsed.stackName !== DEFAULT_STACK_NAME) parsed.cdkArgs.push('-c', `stackName=${parsed.stackName}`);
  if (command === 'deploy' && parsed.region) parsed.cdkArgs.push('-c', `region=${parsed.region}`);
  return parsed;
}

export interface CliDependencies {
  cfn(region: string | undefined): CloudFormationClient;
  ecs(region: string | undefined): ECSClient;
  /** CloudWatch Logs, for the release hook's verdicts (blue/green). */
  logs?(region: string | undefined): CloudWatchLogsClient;
  /** Secrets Manager, for the broker secret (register, keys --write). */
  secrets?(region: string | undefined): SecretsManagerClient;
  /** Loaded only when a command needs it. */
  gate(): Promise<Gate>;
  runCdk: CdkRunner;
  output: Output;
  wait?: WaitSettings;
  gateRetry?: GateRetrySettings;
  follow?: FollowSettings;
}

/** Runs one command and returns the process exit code; errors become a message, not a stack trace. */
export async function runCli(argv: string[], deps: CliDependencies): Promise<number> {
  let parsed: ParsedCommandLine;
  try {
    parsed = parseCommandLine(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    deps.output.error(error.message);
    deps.output.error(USAGE);
    return 2;
  }
  const cfn = deps.cfn(parsed.region);
  const ecs = deps.ecs(parsed.region);
  const logs = deps.logs?.(parsed.region);
  const waits = { ...(deps.wait ? { wait: deps.wait } : {}), ...(deps.gateRetry ? { gateRetry: deps.gateRetry } : {}) };
  try {
    const secretName = parsed.broker.secretName ?? defaultBrokerSecretName(parsed.stackName);
    const secrets = parsed.broker.write ? deps.secrets?.(parsed.region) : undefined;
    switch (parsed.command) {
      case 'register':
        return await registerCommand({
          issuer: parsed.broker.issuer, domainName: parsed.broker.domainName, authMethod: parsed.broker.authMethod,
          secretName, write: parsed.broker.write, ...(secrets ? { secrets } : {}), output: deps.output,
        });
      case 'keys':
        return await keysCommand({ secretName, write: parsed.broker.write, ...(secrets ? { secrets } : {}), output: deps.output });
      case 'status':
        return await statusCommand({ cfn, ecs, ...(logs ? { logs } : {}), stackName: parsed.stackName, output: deps.output });
      case 'rollback': {
        const outputs = await readStackOutputs(cfn, parsed.stackName);
        return await rollbackCommand({
          ecs,
          ref: { cluster: outputs.clusterName, service: outputs.serviceName },
          family: outputs.taskDefinitionFamily,
          ...(parsed.to !== undefined ? { to: parsed.to } : {}),
          gate: await deps.gate(),
          url: outputs.url,
          output: deps.output,
          ...waits,
        });
      }
      case 'deploy':
        return await deployCommand({
          stackName: parsed.stackName,
          cdkArgs: parsed.cdkArgs,
          runCdk: deps.runCdk,
          cfn,
          ecs,
          ...(logs ? { logs } : {}),
          gate: await deps.gate(),
          output: deps.output,
          ...waits,
          ...(deps.follow ? { follow: deps.follow } : {}),
        });
    }
  } catch (error) {
    if (!(error instanceof OpsError)) throw error;
    deps.output.error(`${parsed.command}: ${error.message}`);
    return 1;
  }
}
