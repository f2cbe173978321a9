/**
 * `deploy`: cdk deploy, the gate with its retry, and the rollback to the revision that ran
 * before — with every step and every AWS call failing in turn.
 */
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeServicesCommand, ListTaskDefinitionsCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { deployCommand } from '../../src/ops/deploy.js';
import type { Gate } from '../../src/ops/types.js';
import {
  awsFailure, clients, failing, FAMILY, FAST_RETRY, FAST_WAIT, mockServices, mockStack, passing, recordingOutput,
  scriptedGate, service, SERVICE, STACK, stackResponse, tdArn, unreachable, URL,
} from './support.js';

function fakeCdk(code = 0) {
  const calls: string[][] = [];
  return { calls, run: (args: string[]) => { calls.push(args); return Promise.resolve(code); } };
}

function setup(options: { stackBefore?: boolean } = {}) {
  const c = clients();
  if (options.stackBefore === false) {
    c.cfnMock.on(DescribeStacksCommand)
      .rejectsOnce(awsFailure('ValidationError', `Stack with id ${STACK} does not exist`))
      .resolves(stackResponse());
  } else {
    mockStack(c.cfnMock);
  }
  c.ecsMock.on(ListTaskDefinitionsCommand).resolves({ taskDefinitionArns: [tdArn(12), tdArn(11), tdArn(10)] });
  c.ecsMock.on(UpdateServiceCommand).resolves({});
  return c;
}

async function deploy(c: ReturnType<typeof setup>, gate: Gate, cdk = fakeCdk()) {
  const output = recordingOutput();
  const code = await deployCommand({
    stackName: STACK,
    cdkArgs: ['--require-approval', 'never'],
    runCdk: cdk.run,
    cfn: c.cfn,
    ecs: c.ecs,
    gate,
    output,
    wait: FAST_WAIT,
    gateRetry: FAST_RETRY,
  });
  return { code, output, cdk };
}

const updates = (c: ReturnType<typeof setup>) => c.ecsMock.commandCalls(UpdateServiceCommand).map((call) => call.args[0].input.taskDefinition);

describe('deploy: success', () => {
  it('runs cdk deploy, then the gate against the stack\'s URL, and exits 0', async () => {
    const c = setup();
    mockServices(c.ecsMock, service(11), service(12));
    const gate = scriptedGate(passing());
    const { code, output, cdk } = await deploy(c, gate);
    expect(code).toBe(0);
    expect(cdk.calls).toEqual([['deploy', STACK, '--require-approval', 'never']]);
    expect(gate.urls).toEqual([URL]);
    expect(updates(c)).toEqual([]);
    expect(output.lines).toEqual(expect.arrayContaining([
      `Before: ${FAMILY}:11`, 'cdk deploy: succeeded', `URL: ${URL}`, 'Gate: PASSED: 26 passed, 0 failed', 'Result: DEPLOYED, gate passed',
    ]));
  });

  it('waits out DNS and the certificate on a first deployment', async () => {
    const c = setup({ stackBefore: false });
    mockServices(c.ecsMock, service(1));
    const gate = scriptedGate(unreachable(), unreachable(), passing());
    const { code, output } = await deploy(c, gate);
    expect(code).toBe(0);
    expect(gate.urls).toHaveLength(3);
    expect(output.lines).toContain('Before: no stack yet (first deployment)');
  });
});

describe('deploy: the gate fails', () => {
  it('returns the service to the revision that ran before, re-gates, and exits 1 with a report', async () => {
    const c = setup();
    mockServices(c.ecsMock, service(11), service(12), service(11));
    const gate = scriptedGate(failing(), passing());
    const { code, output } = await deploy(c, gate);
    expect(code).toBe(1);
    expect(updates(c)).toEqual([tdArn(11)]);
    expect(gate.urls).toEqual([URL, URL]);
    const report = output.errors.join('\n');
    expect(report).toContain('Gate: FAILED: 25 passed, 1 failed');
    expect(report).toContain('✗ [no-auth] GET /sse/: expected 401 with WWW-Authenticate; got 200 text/event-stream');
    expect(report).toContain(`Rollback: ${FAMILY}:12 → ${FAMILY}:11; service stable`);
    expect(report).toContain('Gate after rollback: PASSED: 26 passed, 0 failed');
    expect(report).toContain('the stack now drifts');
    expect(report).toContain('Result: FAILED');
  });

  it('rolls back to the previous ACTIVE revision when the old one was deregistered', async () => {
    const c = setup();
    c.ecsMock.on(ListTaskDefinitionsCommand).resolves({ taskDefinitionArns: [tdArn(12), tdArn(10)] });
    mockServices(c.ecsMock, service(11), service(12), service(12), service(10));
    const { code, output } = await deploy(c, scriptedGate(failing(), passing()));
    expect(code).toBe(1);
    expect(updates(c)).toEqual([tdArn(10)]);
    expect(output.all()).toContain(`${FAMILY}:11 is no longer ACTIVE`);
  });

  it('treats a URL that never answers as a failure and rolls back', async () => {
    const c = setup();
    mockServices(c.ecsMock, service(11), service(12), service(11));
    const gate = scriptedGate(unreachable());
    const { code, output } = await deploy(c, gate);
    expect(code).toBe(1);
    expect(gate.urls).toHaveLength(FAST_RETRY.attempts * 2);
    expect(updates(c)).toEqual([tdArn(11)]);
    expect(output.errors.join('\n')).toContain('Gate: unreachable after 3 attempt(s)');
  });

  it('reports both failures when the old revision fails the gate too', async () => {
    const c = setup();
    mockServices(c.ecsMock, service(11), service(12), service(11));
    const { code, output } = await deploy(c, scriptedGate(failing()));
    expect(code).toBe(1);
    expect(output.errors.join('\n')).toContain('Gate after rollback: FAILED: 25 passed, 1 failed');
  });

  it('does not roll back a first deployment', async () => {
    const c = setup({ stackBefore: false });
    mockServices(c.ecsMock, service(1));
    const { code, output } = await deploy(c, scriptedGate(failing()));
    expect(code).toBe(1);
    expect(updates(c)).toEqual([]);
    expect(output.errors.join('\n')).toContain('Rollback: not attempted: this was the first deployment');
  });

  it('does not roll back when the deploy left the task definition as it was', async () => {
    const c = setup();
    mockServices(c.ecsMock, service(12));
    const { code, output } = await deploy(c, scriptedGate(failing()));
    expect(code).toBe(1);
    expect(updates(c)).toEqual([]);
    expect(output.errors.join('\n')).toContain(`the deploy did not change the task definition (still ${FAMILY}:12)`);
  });

  it('says so when the rollback itself fails (UpdateService)', async () => {
    const c = setup();
    mockServices(c.ecsMock, service(11), service(12));
    c.ecsMock.on(UpdateServiceCommand).rejects(awsFailure('AccessDeniedException', 'denied'));
    const { code, output } = await deploy(c, scriptedGate(failing()));
    expect(code).toBe(1);
    const report = output.errors.join('\n');
    expect(report).toContain(`Rollback: ${FAMILY}:12 → ${FAMILY}:11 FAILED: UpdateService(${SERVICE}) failed: AccessDeniedException: denied`);
    expect(report).toContain('The service may still run the failing revision');
  });

  it('says so when the service does not stabilize after the rollback', async () => {
    const c = setup();
    mockServices(c.ecsMock, service(11), service(12), service(11, { runningCount: 0 }));
    const { code, output } = await deploy(c, scriptedGate(failing()));
    expect(code).toBe(1);
    expect(output.errors.join('\n')).toMatch(/FAILED: Service gateway-service did not become stable within 0\.3 s/);
  });

  it('says so when the revisions cannot be listed (ListTaskDefinitions)', async () => {
    const c = setup();
    mockServices(c.ecsMock, service(11), service(12));
    c.ecsMock.on(ListTaskDefinitionsCommand).rejects(awsFailure('ThrottlingException', 'Rate exceeded'));
    const { code, output } = await deploy(c, scriptedGate(failing()));
    expect(code).toBe(1);
    expect(output.errors.join('\n')).toContain(`Rollback: not possible: ListTaskDefinitions(${FAMILY}) failed: ThrottlingException: Rate exceeded`);
  });
});

describe('deploy: failures before the gate', () => {
  it('stops when cdk deploy fails, without gating', async () => {
    const c = setup();
    mockServices(c.ecsMock, service(11));
    const gate = scriptedGate(passing());
    const { code, output } = await deploy(c, gate, fakeCdk(1));
    expect(code).toBe(1);
    expect(gate.urls).toEqual([]);
    expect(output.errors.join('\n')).toContain('cdk deploy: failed (exit 1)');
  });

  it('refuses to deploy when the running service cannot be read (DescribeServices)', async () => {
    const c = setup();
    c.ecsMock.on(DescribeServicesCommand).rejects(awsFailure('AccessDeniedException', 'denied'));
    const cdk = fakeCdk();
    const { code, output } = await deploy(c, scriptedGate(passing()), cdk);
    expect(code).toBe(1);
    expect(cdk.calls).toEqual([]);
    expect(output.errors.join('\n')).toContain('Not deployed: could not read the stack and its running service');
  });

  it('refuses to deploy when the stack cannot be read (DescribeStacks)', async () => {
    const c = setup();
    c.cfnMock.on(DescribeStacksCommand).rejects(awsFailure('ExpiredToken', 'The security token included in the request is expired'));
    const cdk = fakeCdk();
    const { code, output } = await deploy(c, scriptedGate(passing()), cdk);
    expect(code).toBe(1);
    expect(cdk.calls).toEqual([]);
    expect(output.errors.join('\n')).toContain('DescribeStacks(NeonPanelMcpGateway) failed: ExpiredToken');
  });

  it('does not gate when the deployed stack\'s outputs cannot be read', async () => {
    const c = setup();
    mockServices(c.ecsMock, service(11));
    c.cfnMock.on(DescribeStacksCommand)
      .resolvesOnce(stackResponse())
      .rejects(awsFailure('Throttling', 'Rate exceeded'));
    const gate = scriptedGate(passing());
    const { code, output } = await deploy(c, gate);
    expect(code).toBe(1);
    expect(gate.urls).toEqual([]);
    expect(output.errors.join('\n')).toContain('Gate not run: DescribeStacks(NeonPanelMcpGateway) failed: Throttling: Rate exceeded');
  });
});
