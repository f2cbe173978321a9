/**
 * The command line: parsing, usage errors (exit 2), dispatch to each command with injected
 * clients, and AWS failures turned into a message and exit 1.
 */
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { ListServiceDeploymentsCommand, ListTaskDefinitionsCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { parseCommandLine, runCli, UsageError, type CliDependencies } from '../../src/ops/cli.js';
import type { Gate } from '../../src/ops/types.js';
import {
  awsFailure, clients, FAST_RETRY, FAST_WAIT, mockServices, mockStack, passing, recordingOutput, scriptedGate, service,
  STACK, tdArn,
} from './support.js';

describe('parseCommandLine', () => {
  it('defaults the stack and passes unknown deploy options to cdk', () => {
    expect(parseCommandLine(['deploy', '--require-approval', 'never'])).toEqual({
      command: 'deploy', stackName: STACK, region: undefined, to: undefined, cdkArgs: ['--require-approval', 'never'],
      broker: { issuer: 'https://my.neonpanel.com', domainName: 'mcp.neonpanel.com', authMethod: 'client_secret_basic', secretName: undefined, write: false },
    });
  });

  it('reads the broker commands\' options, and only for them', () => {
    expect(parseCommandLine(['register', '--issuer', 'https://np.example.test', '--domain', 'MCP.Example.Test', '--auth-method=client_secret_post', '--write']).broker)
      .toEqual({ issuer: 'https://np.example.test', domainName: 'mcp.example.test', authMethod: 'client_secret_post', secretName: undefined, write: true });
    expect(parseCommandLine(['keys', '--secret', 'my/broker']).broker.secretName).toBe('my/broker');
    expect(() => parseCommandLine(['keys', '--issuer', 'https://x.test'])).toThrow('Unknown option for keys: --issuer');
    expect(() => parseCommandLine(['status', '--write'])).toThrow('Unknown option for status: --write');
    expect(() => parseCommandLine(['register', '--auth-method', 'none'])).toThrow('--auth-method must be client_secret_basic or client_secret_post');
  });

  it('keeps the CDK app on the chosen stack and region', () => {
    expect(parseCommandLine(['deploy', '--stack', 'Staging', '--region=eu-west-1']).cdkArgs)
      .toEqual(['-c', 'stackName=Staging', '-c', 'region=eu-west-1']);
  });

  it('reads --to for rollback', () => {
    expect(parseCommandLine(['rollback', '--to', '7']).to).toBe(7);
    expect(parseCommandLine(['rollback', '--to=8']).to).toBe(8);
  });

  it.each([
    [[], /No command given/],
    [['destroy'], /Unknown command: destroy/],
    [['rollback', '--to', 'latest'], /--to must be a revision number, got latest/],
    [['rollback', '--to', '0'], /--to must be a revision number/],
    [['rollback', '--to'], /--to needs a value/],
    [['status', '--force'], /Unknown option for status: --force/],
    [['status', '--stack', 'bad_name!'], /Not a stack name/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseCommandLine(argv)).toThrow(UsageError);
    expect(() => parseCommandLine(argv)).toThrow(message);
  });
});

function deps(c: ReturnType<typeof clients>, gate: Gate = scriptedGate(passing())) {
  const output = recordingOutput();
  const regions: (string | undefined)[] = [];
  let gateLoads = 0;
  const cdkCalls: string[][] = [];
  const d: CliDependencies = {
    cfn: (region) => { regions.push(region); return c.cfn; },
    ecs: () => c.ecs,
    gate: () => { gateLoads++; return Promise.resolve(gate); },
    runCdk: (args) => { cdkCalls.push(args); return Promise.resolve(0); },
    output,
    wait: FAST_WAIT,
    gateRetry: FAST_RETRY,
  };
  return { d, output, regions, cdkCalls, gateLoads: () => gateLoads };
}

describe('runCli', () => {
  it('prints usage and exits 2 on bad usage, touching nothing', async () => {
    const c = clients();
    const { d, output, gateLoads } = deps(c);
    expect(await runCli(['rollback', '--to', 'x'], d)).toBe(2);
    expect(output.errors.join('\n')).toContain('Usage:');
    expect(gateLoads()).toBe(0);
    expect(c.cfnMock.calls()).toHaveLength(0);
  });

  it('runs status without loading the gate, in the chosen region', async () => {
    const c = clients();
    mockStack(c.cfnMock);
    mockServices(c.ecsMock, service(5));
    c.ecsMock.on(ListServiceDeploymentsCommand).resolves({ serviceDeployments: [] });
    const { d, output, regions, gateLoads } = deps(c);
    expect(await runCli(['status', '--region', 'eu-west-1'], d)).toBe(0);
    expect(regions).toEqual(['eu-west-1']);
    expect(gateLoads()).toBe(0);
    expect(output.lines.join('\n')).toContain('Tasks: 2 running / 2 desired');
  });

  it('runs rollback against the stack\'s outputs', async () => {
    const c = clients();
    mockStack(c.cfnMock);
    mockServices(c.ecsMock, service(5), service(4));
    c.ecsMock.on(ListTaskDefinitionsCommand).resolves({ taskDefinitionArns: [tdArn(5), tdArn(4)] });
    c.ecsMock.on(UpdateServiceCommand).resolves({});
    const { d } = deps(c);
    expect(await runCli(['rollback'], d)).toBe(0);
    expect(c.ecsMock.commandCalls(UpdateServiceCommand)[0]!.args[0].input.taskDefinition).toBe(tdArn(4));
  });

  it('runs deploy with the cdk arguments', async () => {
    const c = clients();
    mockStack(c.cfnMock);
    mockServices(c.ecsMock, service(5), service(6));
    const { d, cdkCalls } = deps(c);
    expect(await runCli(['deploy', '--require-approval', 'never'], d)).toBe(0);
    expect(cdkCalls).toEqual([['deploy', STACK, '--require-approval', 'never']]);
  });

  it('turns an AWS failure into one line and exit 1', async () => {
    const c = clients();
    c.cfnMock.on(DescribeStacksCommand).rejects(awsFailure('AccessDenied', 'denied'));
    const { d, output } = deps(c);
    expect(await runCli(['rollback'], d)).toBe(1);
    expect(output.errors).toEqual([`rollback: DescribeStacks(${STACK}) failed: AccessDenied: denied`]);
  });

  it('refuses a rollback with nothing to go back to, exit 1', async () => {
    const c = clients();
    mockStack(c.cfnMock);
    mockServices(c.ecsMock, service(1));
    c.ecsMock.on(ListTaskDefinitionsCommand).resolves({ taskDefinitionArns: [tdArn(1)] });
    const { d, output } = deps(c);
    expect(await runCli(['rollback'], d)).toBe(1);
    expect(output.errors.join('\n')).toContain('nothing to roll back to');
  });
});

describe('runCli on a blue/green stack', () => {
  it('deploys by following ECS, reading the hook\'s verdict through the CloudWatch Logs client for the chosen region', async () => {
    const { blueGreenStackResponse, deployment, failedVerdict, FAST_FOLLOW, logsWith, mockDeployments } = await import('./blue-green-support.js');
    const c = clients();
    c.cfnMock.on(DescribeStacksCommand).resolves(blueGreenStackResponse());
    mockServices(c.ecsMock, service(11));
    mockDeployments(c.ecsMock, deployment('ROLLBACK_SUCCESSFUL', 'TEST_TRAFFIC_SHIFT'));
    const logs = logsWith(failedVerdict());
    const logRegions: (string | undefined)[] = [];
    const gate = scriptedGate(passing());
    const { d, output } = deps(c, gate);
    const code = await runCli(['deploy', '--region', 'eu-west-1'], {
      ...d,
      logs: (region) => { logRegions.push(region); return logs.logs; },
      follow: FAST_FOLLOW,
    });
    expect(code).toBe(1);
    expect(logRegions).toEqual(['eu-west-1']);
    // ECS ran the matrix through the hook; the post-deploy gate never runs.
    expect(gate.urls).toEqual([]);
    expect(output.errors).toContain('  ✗ [no-auth] GET /sse/: expected 401 with a Bearer challenge; got 200 text/event-stream -- status 200, want 401');
    expect(output.errors.at(-1)).toBe('Result: ROLLED BACK to neonpanel-mcp-gateway:11');
  });
});
