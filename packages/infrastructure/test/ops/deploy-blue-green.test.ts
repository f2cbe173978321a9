/**
 * `deploy` on a blue/green stack: cdk deploy starts an ECS deployment, the tool follows it and
 * reports exactly what happened — deployed; rolled back by ECS because the release hook
 * failed (its failed cases named, no production traffic); rolled back by an alarm during the
 * bake; timed out; nothing to release — and says so when any AWS call fails.
 */
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeServiceDeploymentsCommand, DescribeServiceRevisionsCommand, DescribeServicesCommand, ListServiceDeploymentsCommand, UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { blueGreenDeployCommand } from '../../src/ops/deploy-blue-green.js';
import { deployCommand } from '../../src/ops/deploy.js';
import {
  blueGreenOutputs, blueGreenStackResponse, deployment, failedVerdict, FAST_FOLLOW, GREEN, HOOK_LOG_GROUP, logsWith, mockDeployments,
  NEW_DEPLOYMENT, verdict,
} from './blue-green-support.js';
import { awsFailure, clients, FAMILY, mockServices, passing, recordingOutput, scriptedGate, service, SERVICE, STACK } from './support.js';

function fakeCdk(result: number | 'never' = 0) {
  const calls: string[][] = [];
  return {
    calls,
    run: (args: string[]) => {
      calls.push(args);
      return result === 'never' ? new Promise<number>(() => undefined) : Promise.resolve(result);
    },
  };
}

function setup() {
  const c = clients();
  mockServices(c.ecsMock, service(11));
  return c;
}

async function deploy(c: ReturnType<typeof setup>, options: { cdk?: ReturnType<typeof fakeCdk>; logs?: ReturnType<typeof logsWith> } = {}) {
  const output = recordingOutput();
  const cdk = options.cdk ?? fakeCdk();
  const code = await blueGreenDeployCommand({
    stackName: STACK,
    cdkArgs: ['--require-approval', 'never'],
    runCdk: cdk.run,
    ecs: c.ecs,
    ...(options.logs ? { logs: options.logs.logs } : {}),
    outputs: blueGreenOutputs(),
    output,
    follow: FAST_FOLLOW,
  });
  return { code, output, cdk, report: [...output.lines, ...output.errors].join('\n') };
}

describe('deploy (blue/green): success', () => {
  it('follows the stages, reads the hook\'s verdict, and reports the new revision in production', async () => {
    const c = setup();
    mockDeployments(c.ecsMock,
      deployment('IN_PROGRESS', 'SCALE_UP'),
      deployment('IN_PROGRESS', 'POST_TEST_TRAFFIC_SHIFT'),
      deployment('IN_PROGRESS', 'BAKE_TIME'),
      deployment('SUCCESSFUL', 'CLEAN_UP'));
    const logs = logsWith(verdict());
    const { code, output, cdk } = await deploy(c, { logs });

    expect(code).toBe(0);
    expect(cdk.calls).toEqual([['deploy', STACK, '--require-approval', 'never']]);
    // Progress as it happens…
    expect(output.lines).toEqual(expect.arrayContaining([
      `deploy: ECS started service deployment ${NEW_DEPLOYMENT}`,
      'deploy: IN_PROGRESS at SCALE_UP',
      'deploy: IN_PROGRESS at POST_TEST_TRAFFIC_SHIFT',
      'deploy: IN_PROGRESS at BAKE_TIME',
      'deploy: SUCCESSFUL at CLEAN_UP',
    ]));
    // …then the report.
    const report = output.lines.slice(output.lines.indexOf('') + 1);
    expect(report).toEqual([
      `Deploy report for ${STACK} (blue/green)`,
      `Before: ${FAMILY}:11 serves production`,
      'cdk deploy: succeeded',
      `Service deployment: ${NEW_DEPLOYMENT}`,
      `Revisions: ${FAMILY}:11 → ${FAMILY}:12`,
      'Stages seen: SCALE_UP → POST_TEST_TRAFFIC_SHIFT → BAKE_TIME → CLEAN_UP',
      'Release hook: PASSED: all 40 cases passed (40 passed, 0 failed, attempt 1)',
      `Production traffic: shifted to ${FAMILY}:12; the bake time passed; ${FAMILY}:11 scaled in.`,
      `Result: DEPLOYED ${FAMILY}:12`,
    ]);
    const filter = logs.logsMock.commandCalls(FilterLogEventsCommand)[0]!.args[0].input;
    expect(filter.logGroupName).toBe(HOOK_LOG_GROUP);
    expect(filter.filterPattern).toBe(`"release-gate-verdict" "${NEW_DEPLOYMENT}"`);
  });

  it('reports nothing to release when ECS starts no deployment (same task definition)', async () => {
    const c = setup();
    c.ecsMock.on(ListServiceDeploymentsCommand).resolves({ serviceDeployments: [{ serviceDeploymentArn: 'old', createdAt: new Date(0) }] });
    const { code, report } = await deploy(c);
    expect(code).toBe(0);
    expect(report).toContain('ECS started no service deployment: the task definition and the service settings did not change');
    expect(report).toContain('Result: NOTHING TO RELEASE');
  });
});

describe('deploy (blue/green): the release hook fails', () => {
  it('reports the rollback by ECS, names the failed cases, and says no production traffic reached the revision', async () => {
    const c = setup();
    mockDeployments(c.ecsMock,
      deployment('IN_PROGRESS', 'TEST_TRAFFIC_SHIFT'),
      deployment('IN_PROGRESS', 'POST_TEST_TRAFFIC_SHIFT'),
      deployment('ROLLBACK_IN_PROGRESS', 'TEST_TRAFFIC_SHIFT', { rollback: { reason: 'Lifecycle hook failed', serviceRevisionArn: GREEN } }),
      deployment('ROLLBACK_SUCCESSFUL', 'TEST_TRAFFIC_SHIFT', { rollback: { reason: 'Lifecycle hook failed', serviceRevisionArn: GREEN } }));
    const { code, output } = await deploy(c, { cdk: fakeCdk(1), logs: logsWith(verdict({ hookStatus: 'IN_PROGRESS', reason: 'green did not answer yet' }), failedVerdict()) });

    expect(code).toBe(1);
    expect(output.errors).toEqual([
      `Deploy report for ${STACK} (blue/green)`,
      `Before: ${FAMILY}:11 serves production`,
      'cdk deploy: failed (exit 1)',
      `Service deployment: ${NEW_DEPLOYMENT}`,
      `Revisions: ${FAMILY}:11 → ${FAMILY}:12`,
      'Stages seen: TEST_TRAFFIC_SHIFT → POST_TEST_TRAFFIC_SHIFT → TEST_TRAFFIC_SHIFT',
      'Release hook: FAILED: 2 of 42 cases failed (40 passed, 2 failed, attempt 1)',
      '  ✗ [no-auth] GET /sse/: expected 401 with a Bearer challenge; got 200 text/event-stream -- status 200, want 401',
      '  ✗ [legacy-sse] GET /sse/ with Bearer test-token-123: expected 401; got 200 text/event-stream',
      'Rollback: by ECS: the release hook failed.',
      `Production traffic: never reached ${FAMILY}:12; it stayed on ${FAMILY}:11.`,
      `Result: ROLLED BACK to ${FAMILY}:11`,
    ]);
    // ECS did the rollback; the tool changed nothing.
    expect(c.ecsMock.commandCalls(UpdateServiceCommand)).toEqual([]);
  });

  it('says so when a deployment alarm rolled back during the bake, after production traffic had shifted', async () => {
    const c = setup();
    mockDeployments(c.ecsMock,
      deployment('IN_PROGRESS', 'POST_TEST_TRAFFIC_SHIFT'),
      deployment('IN_PROGRESS', 'BAKE_TIME'),
      deployment('ROLLBACK_SUCCESSFUL', 'PRODUCTION_TRAFFIC_SHIFT', {
        alarms: { status: 'TRIGGERED', alarmNames: ['NeonPanelMcpGateway-5xx'], triggeredAlarmNames: ['NeonPanelMcpGateway-5xx'] },
      }));
    const { code, output } = await deploy(c, { cdk: fakeCdk(1), logs: logsWith(verdict()) });
    expect(code).toBe(1);
    expect(output.errors).toEqual(expect.arrayContaining([
      'Release hook: PASSED: all 40 cases passed (40 passed, 0 failed, attempt 1)',
      'Rollback: by ECS: a deployment alarm fired (NeonPanelMcpGateway-5xx).',
      `Production traffic: had reached ${FAMILY}:12 (stage PRODUCTION_TRAFFIC_SHIFT) before it was moved back.`,
      `Result: ROLLED BACK to ${FAMILY}:11`,
    ]));
  });

  it('says the rollback itself failed, and what to do', async () => {
    const c = setup();
    mockDeployments(c.ecsMock, deployment('ROLLBACK_FAILED', 'TEST_TRAFFIC_SHIFT', { statusReason: 'Blue tasks failed to start' }));
    const { code, report } = await deploy(c, { cdk: fakeCdk(1), logs: logsWith(failedVerdict()) });
    expect(code).toBe(1);
    expect(report).toContain('Result: ROLLBACK FAILED (Blue tasks failed to start). Run `pnpm run status`, then `pnpm run rollback`.');
  });
});

describe('deploy (blue/green): time and failures', () => {
  it('stops following after the bound and says where the deployment stands', async () => {
    const c = setup();
    mockDeployments(c.ecsMock, deployment('IN_PROGRESS', 'POST_TEST_TRAFFIC_SHIFT'));
    const { code, output } = await deploy(c, { cdk: fakeCdk('never') });
    expect(code).toBe(1);
    expect(c.ecsMock.commandCalls(DescribeServiceDeploymentsCommand)).toHaveLength(10);
    expect(output.errors.at(-1)).toBe('Result: TIMED OUT: after 10 s the deployment is IN_PROGRESS at POST_TEST_TRAFFIC_SHIFT. ECS carries on (and still rolls back on its own); cdk deploy is still running. Check `pnpm run status`.');
  });

  it('does not deploy when the service cannot be read (DescribeServices)', async () => {
    const c = setup();
    c.ecsMock.on(DescribeServicesCommand).rejects(awsFailure('AccessDeniedException', 'denied'));
    const { code, cdk, report } = await deploy(c);
    expect(code).toBe(1);
    expect(cdk.calls).toEqual([]);
    expect(report).toContain(`Not deployed: could not read the service and its deployments, so the deployment could not be followed (DescribeServices(${SERVICE}) failed: AccessDeniedException: denied).`);
  });

  it('does not deploy when the deployments cannot be listed (ListServiceDeployments)', async () => {
    const c = setup();
    c.ecsMock.on(ListServiceDeploymentsCommand).rejects(awsFailure('AccessDeniedException', 'not allowed'));
    const { code, cdk, report } = await deploy(c);
    expect(code).toBe(1);
    expect(cdk.calls).toEqual([]);
    expect(report).toContain(`ListServiceDeployments(${SERVICE}) failed: AccessDeniedException: not allowed`);
    expect(report).toContain('Result: NOT DEPLOYED');
  });

  it('says the outcome is unknown when listing fails while following', async () => {
    const c = setup();
    mockDeployments(c.ecsMock, deployment('IN_PROGRESS', 'SCALE_UP'));
    c.ecsMock.on(ListServiceDeploymentsCommand)
      .resolvesOnce({ serviceDeployments: [] })
      .rejects(awsFailure('ThrottlingException', 'Rate exceeded'));
    const { code, cdk, report } = await deploy(c);
    expect(code).toBe(1);
    expect(cdk.calls).toHaveLength(1);
    expect(report).toContain(`Following the deployment failed: ListServiceDeployments(${SERVICE}) failed: ThrottlingException: Rate exceeded`);
    expect(report).toContain('Result: UNKNOWN: the outcome could not be read. Check `pnpm run status`.');
  });

  it('says the outcome is unknown when the deployment cannot be described (DescribeServiceDeployments)', async () => {
    const c = setup();
    mockDeployments(c.ecsMock, deployment('IN_PROGRESS', 'SCALE_UP'));
    c.ecsMock.on(DescribeServiceDeploymentsCommand).rejects(awsFailure('ServerException', 'internal'));
    const { code, report } = await deploy(c);
    expect(code).toBe(1);
    expect(report).toContain('Following the deployment failed: DescribeServiceDeployments failed: ServerException: internal');
  });

  it('still reports the outcome when the revisions cannot be resolved (DescribeServiceRevisions)', async () => {
    const c = setup();
    mockDeployments(c.ecsMock, deployment('SUCCESSFUL', 'CLEAN_UP'));
    c.ecsMock.on(DescribeServiceRevisionsCommand).rejects(awsFailure('AccessDeniedException', 'denied'));
    const { code, report } = await deploy(c, { logs: logsWith(verdict()) });
    expect(code).toBe(0);
    expect(report).toContain('(task definitions not resolved: DescribeServiceRevisions failed: AccessDeniedException: denied)');
    expect(report).toContain(`Result: DEPLOYED ${GREEN}`);
  });

  it('still reports the rollback when the hook\'s log cannot be read (FilterLogEvents), and says so', async () => {
    const c = setup();
    mockDeployments(c.ecsMock, deployment('ROLLBACK_SUCCESSFUL', 'TEST_TRAFFIC_SHIFT', { rollback: { reason: 'Lifecycle hook failed' } }));
    const logs = logsWith();
    logs.logsMock.on(FilterLogEventsCommand).rejects(awsFailure('AccessDeniedException', 'logs denied'));
    const { code, report } = await deploy(c, { cdk: fakeCdk(1), logs });
    expect(code).toBe(1);
    expect(report).toContain(`Release hook: verdict not read: FilterLogEvents(${HOOK_LOG_GROUP}) failed: AccessDeniedException: logs denied`);
    expect(report).toContain('Rollback: by ECS: Lifecycle hook failed.');
    expect(report).toContain(`Result: ROLLED BACK to ${FAMILY}:11`);
  });

  it('reports a cdk failure before ECS started anything', async () => {
    const c = setup();
    c.ecsMock.on(ListServiceDeploymentsCommand).resolves({ serviceDeployments: [] });
    const { code, report } = await deploy(c, { cdk: fakeCdk(1) });
    expect(code).toBe(1);
    expect(report).toContain('cdk deploy: failed (exit 1)');
    expect(report).toContain('Result: NOT DEPLOYED');
  });
});

describe('deploy picks the flow from the stack', () => {
  it('follows ECS on a blue/green stack, without the post-deploy gate', async () => {
    const c = setup();
    c.cfnMock.on(DescribeStacksCommand).resolves(blueGreenStackResponse());
    mockDeployments(c.ecsMock, deployment('SUCCESSFUL', 'CLEAN_UP'));
    const gate = scriptedGate(passing());
    const output = recordingOutput();
    const cdk = fakeCdk();
    const code = await deployCommand({
      stackName: STACK, cdkArgs: [], runCdk: cdk.run, cfn: c.cfn, ecs: c.ecs, logs: logsWith(verdict()).logs,
      gate, output, follow: FAST_FOLLOW,
    });
    expect(code).toBe(0);
    expect(gate.urls).toEqual([]);
    expect(output.lines).toContain(`Result: DEPLOYED ${FAMILY}:12`);
  });
});
