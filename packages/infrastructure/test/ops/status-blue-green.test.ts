/**
 * `status` on a blue/green stack: the current and previous revisions of the last deployment,
 * its lifecycle outcome, and the release hook's verdict with the failed cases, with each of
 * the extra AWS calls failing in turn.
 */
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeServiceRevisionsCommand, ListServiceDeploymentsCommand } from '@aws-sdk/client-ecs';
import { statusCommand } from '../../src/ops/status.js';
import {
  blueGreenStackResponse, deployment, failedVerdict, HOOK_LOG_GROUP, logsWith, mockDeployments, NEW_DEPLOYMENT, verdict,
} from './blue-green-support.js';
import { awsFailure, clients, FAMILY, mockServices, recordingOutput, service, STACK } from './support.js';

function setup(...states: Parameters<typeof deployment>[]) {
  const c = clients();
  c.cfnMock.on(DescribeStacksCommand).resolves(blueGreenStackResponse());
  mockServices(c.ecsMock, service(11));
  mockDeployments(c.ecsMock, ...states.map((s) => deployment(...s)));
  // status lists once: the newest is the new deployment.
  c.ecsMock.on(ListServiceDeploymentsCommand).resolves({ serviceDeployments: [{ serviceDeploymentArn: NEW_DEPLOYMENT, createdAt: new Date('2026-12-02T15:00:00Z') }] });
  return c;
}

async function status(c: ReturnType<typeof setup>, logs = logsWith(failedVerdict())) {
  const output = recordingOutput();
  await statusCommand({ cfn: c.cfn, ecs: c.ecs, logs: logs.logs, stackName: STACK, output });
  return output.lines;
}

it('shows the previous and new revisions, the stage reached, and the hook\'s failed cases', async () => {
  const c = setup(['ROLLBACK_SUCCESSFUL', 'TEST_TRAFFIC_SHIFT', { rollback: { reason: 'Lifecycle hook failed' } }]);
  const lines = await status(c);
  expect(lines[0]).toContain('deployed blue/green');
  expect(lines).toEqual(expect.arrayContaining([
    `Primary deployment: ${FAMILY}:11 (rollout COMPLETED)`,
    'Last deployment: ROLLBACK_SUCCESSFUL at TEST_TRAFFIC_SHIFT; circuit breaker n/a; alarms n/a',
    `Last deployment revisions: previous ${FAMILY}:11 → new ${FAMILY}:12`,
    'Release hook: FAILED: 2 of 42 cases failed (40 passed, 2 failed, attempt 1)',
    '  ✗ [no-auth] GET /sse/: expected 401 with a Bearer challenge; got 200 text/event-stream -- status 200, want 401',
    'Rolled back by ECS: yes, by the release hook: Lifecycle hook failed',
  ]));
});

it('shows a successful release with the hook passed', async () => {
  const c = setup(['SUCCESSFUL', 'CLEAN_UP']);
  const lines = await status(c, logsWith(verdict()));
  expect(lines).toEqual(expect.arrayContaining([
    'Last deployment: SUCCESSFUL at CLEAN_UP; circuit breaker n/a; alarms n/a',
    'Release hook: PASSED: all 40 cases passed (40 passed, 0 failed, attempt 1)',
    'Rolled back by ECS: no',
  ]));
});

it('fails clearly when the revisions cannot be described (DescribeServiceRevisions)', async () => {
  const c = setup(['SUCCESSFUL', 'CLEAN_UP']);
  c.ecsMock.on(DescribeServiceRevisionsCommand).rejects(awsFailure('AccessDeniedException', 'denied'));
  await expect(status(c)).rejects.toThrow('DescribeServiceRevisions failed: AccessDeniedException: denied');
});

it('fails clearly when the hook\'s log cannot be read (FilterLogEvents)', async () => {
  const c = setup(['SUCCESSFUL', 'CLEAN_UP']);
  const logs = logsWith();
  logs.logsMock.on(FilterLogEventsCommand).rejects(awsFailure('ResourceNotFoundException', 'The specified log group does not exist.'));
  await expect(status(c, logs)).rejects.toThrow(`FilterLogEvents(${HOOK_LOG_GROUP}) failed: ResourceNotFoundException`);
});
