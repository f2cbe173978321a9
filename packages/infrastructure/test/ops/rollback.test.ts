/**
 * `rollback [--to N]`: which revision it picks, what it refuses, and that it updates, waits,
 * verifies and gates — with each AWS call failing in turn.
 */
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ListTaskDefinitionsCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { planRollback, rollbackCommand } from '../../src/ops/rollback.js';
import {
  awsFailure, clients, CLUSTER, FAMILY, failing, FAST_RETRY, FAST_WAIT, mockServices, passing, recordingOutput,
  scriptedGate, service, SERVICE, tdArn, URL,
} from './support.js';

const ref = { cluster: CLUSTER, service: SERVICE };

function setup(options: { current?: number; active?: number[]; after?: number } = {}) {
  const { ecs, ecsMock } = clients();
  const current = options.current ?? 12;
  mockServices(ecsMock, service(current), ...(options.after !== undefined ? [service(options.after)] : []));
  ecsMock.on(ListTaskDefinitionsCommand).resolves({ taskDefinitionArns: (options.active ?? [12, 10, 9]).map((r) => tdArn(r)) });
  ecsMock.on(UpdateServiceCommand).resolves({});
  return { ecs, ecsMock };
}

async function run(ecs: ReturnType<typeof setup>['ecs'], extra: { to?: number; gate?: ReturnType<typeof scriptedGate> } = {}) {
  const output = recordingOutput();
  const gate = extra.gate ?? scriptedGate(passing());
  const code = await rollbackCommand({
    ecs, ref, family: FAMILY, gate, url: URL, output, wait: FAST_WAIT, gateRetry: FAST_RETRY,
    ...(extra.to !== undefined ? { to: extra.to } : {}),
  });
  return { code, output, gate };
}

describe('planRollback', () => {
  it('picks the newest ACTIVE revision older than the running one, skipping deregistered ones', async () => {
    const { ecs } = setup({ current: 12, active: [12, 10, 9] });
    const plan = await planRollback(ecs, ref, FAMILY);
    expect([plan.current.revision, plan.target.revision]).toEqual([12, 10]);
  });

  it('takes --to when that revision is ACTIVE', async () => {
    const { ecs } = setup({ current: 12, active: [12, 10, 9] });
    expect((await planRollback(ecs, ref, FAMILY, 9)).target.arn).toBe(tdArn(9));
  });

  it('refuses when there is no earlier revision', async () => {
    const { ecs } = setup({ current: 12, active: [12] });
    await expect(planRollback(ecs, ref, FAMILY)).rejects.toThrow(`There is no ACTIVE revision of ${FAMILY} before 12; nothing to roll back to.`);
  });

  it('refuses an INACTIVE target, naming the ACTIVE ones', async () => {
    const { ecs, ecsMock } = setup({ current: 12, active: [12, 10] });
    ecsMock.on(DescribeTaskDefinitionCommand, { taskDefinition: `${FAMILY}:11` }).resolves({ taskDefinition: { status: 'INACTIVE' } });
    await expect(planRollback(ecs, ref, FAMILY, 11)).rejects.toThrow(`Revision ${FAMILY}:11 is INACTIVE: ECS cannot start tasks from a deregistered revision. ACTIVE revisions: 12, 10.`);
  });

  it('refuses a revision that does not exist', async () => {
    const { ecs, ecsMock } = setup();
    ecsMock.on(DescribeTaskDefinitionCommand).rejects(awsFailure('ClientException', 'Unable to describe task definition.'));
    await expect(planRollback(ecs, ref, FAMILY, 40)).rejects.toThrow(`Revision ${FAMILY}:40 does not exist.`);
  });

  it('refuses the revision already running', async () => {
    const { ecs } = setup({ current: 12 });
    await expect(planRollback(ecs, ref, FAMILY, 12)).rejects.toThrow(/already runs neonpanel-mcp-gateway:12/);
  });

  it('refuses when the service is missing', async () => {
    const { ecs, ecsMock } = setup();
    ecsMock.on(DescribeServicesCommand).resolves({ services: [], failures: [{ reason: 'MISSING' }] });
    await expect(planRollback(ecs, ref, FAMILY)).rejects.toThrow(`Service ${SERVICE} is not in cluster ${CLUSTER} (MISSING).`);
    expect(ecsMock.commandCalls(ListTaskDefinitionsCommand)).toHaveLength(0);
  });

  it('refuses a service that runs another family', async () => {
    const { ecs, ecsMock } = setup();
    ecsMock.on(DescribeServicesCommand).resolves({ services: [service(3, { taskDefinition: tdArn(3, 'other') })] });
    await expect(planRollback(ecs, ref, FAMILY)).rejects.toThrow(/runs other:3, not a revision of neonpanel-mcp-gateway/);
  });

  it('surfaces a DescribeTaskDefinition failure while checking --to', async () => {
    const { ecs, ecsMock } = setup();
    ecsMock.on(DescribeTaskDefinitionCommand).rejects(awsFailure('ThrottlingException', 'Rate exceeded'));
    await expect(planRollback(ecs, ref, FAMILY, 11)).rejects.toThrow(/DescribeTaskDefinition\(neonpanel-mcp-gateway:11\) failed: ThrottlingException/);
  });
});

describe('rollbackCommand', () => {
  it('updates the service, waits until stable on the target, gates it, and exits 0', async () => {
    const { ecs, ecsMock } = setup({ current: 12, active: [12, 10, 9], after: 10 });
    const { code, output, gate } = await run(ecs);
    expect(code).toBe(0);
    expect(ecsMock.commandCalls(UpdateServiceCommand).map((c) => c.args[0].input.taskDefinition)).toEqual([tdArn(10)]);
    expect(gate.urls).toEqual([URL]);
    expect(output.all()).toContain(`Rolled back ${SERVICE} from ${FAMILY}:12 to ${FAMILY}:10.`);
    expect(output.all()).toContain('Gate: PASSED: 26 passed, 0 failed');
    expect(output.all()).toContain('the stack now drifts');
  });

  it('exits 1 when the rolled-back revision fails the gate too', async () => {
    const { ecs } = setup({ after: 10 });
    const { code, output } = await run(ecs, { gate: scriptedGate(failing()) });
    expect(code).toBe(1);
    expect(output.all()).toContain('Gate: FAILED: 25 passed, 1 failed');
  });

  it('catches ECS undoing the rollback: stable, but on another revision', async () => {
    const { ecs } = setup({ current: 12, after: 12 });
    await expect(run(ecs)).rejects.toThrow(`Service ${SERVICE} settled on ${FAMILY}:12, not ${FAMILY}:10`);
  });

  it('stops when UpdateService fails, before waiting or gating', async () => {
    const { ecs, ecsMock } = setup();
    ecsMock.on(UpdateServiceCommand).rejects(awsFailure('AccessDeniedException', 'not authorized to perform ecs:UpdateService'));
    const gate = scriptedGate(passing());
    await expect(run(ecs, { gate })).rejects.toThrow(`UpdateService(${SERVICE}) failed: AccessDeniedException`);
    expect(gate.urls).toEqual([]);
  });

  it('stops when the service does not stabilize within the bound', async () => {
    const { ecs, ecsMock } = setup();
    mockServices(ecsMock, service(12), service(10, { runningCount: 0 }));
    const gate = scriptedGate(passing());
    await expect(run(ecs, { gate })).rejects.toThrow(/did not become stable within 0\.3 s/);
    expect(gate.urls).toEqual([]);
  });

  it('stops when ListTaskDefinitions fails', async () => {
    const { ecs, ecsMock } = setup();
    ecsMock.on(ListTaskDefinitionsCommand).rejects(awsFailure('ServerException', 'boom'));
    await expect(run(ecs)).rejects.toThrow(`ListTaskDefinitions(${FAMILY}) failed: ServerException: boom`);
    expect(ecsMock.commandCalls(UpdateServiceCommand)).toHaveLength(0);
  });

  it('stops when DescribeServices fails', async () => {
    const { ecs, ecsMock } = setup();
    ecsMock.on(DescribeServicesCommand).rejects(awsFailure('AccessDeniedException', 'denied'));
    await expect(run(ecs)).rejects.toThrow(`DescribeServices(${SERVICE}) failed: AccessDeniedException: denied`);
  });
});
