/**
 * `status` shows the canary's last verdict beside the release hook's: read from the canary's
 * log group (stack output CanaryLogGroup), the newest run within the look-back window.
 */
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { ListServiceDeploymentsCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { OPTIONAL_OUTPUT_KEYS } from '../../lib/outputs.js';
import { CANARY_VERDICT_EVENT, type CanaryVerdictRecord } from '../../src/canary/verdict.js';
import { CANARY_LOOKBACK_MS, readStatus, statusCommand } from '../../src/ops/status.js';
import { blueGreenStackResponse, HOOK_LOG_GROUP, lambdaLine, verdict } from './blue-green-support.js';
import { awsFailure, clients, mockServices, recordingOutput, service, STACK } from './support.js';

const CANARY_LOG_GROUP = 'NeonPanelMcpGateway-CanaryLogs-AbC123';
const NOW = new Date('2026-12-08T03:00:00Z');

const canaryVerdict = (overrides: Partial<CanaryVerdictRecord> = {}): CanaryVerdictRecord => ({
  event: CANARY_VERDICT_EVENT, status: 'PASSED', reason: 'all 47 cases passed', url: 'https://mcp.neonpanel.com', at: '2026-12-08T02:55:00.000Z',
  passed: 47, failed: 0, casesFailed: 0, latencyP50Ms: 38, unreachable: false, failedCases: [], skipped: [], ...overrides,
});

function setup(canaryRecords: CanaryVerdictRecord[]) {
  const c = clients();
  const stack = blueGreenStackResponse();
  stack.Stacks![0]!.Outputs!.push({ OutputKey: OPTIONAL_OUTPUT_KEYS.canaryLogGroup, OutputValue: CANARY_LOG_GROUP });
  c.cfnMock.on(DescribeStacksCommand).resolves(stack);
  mockServices(c.ecsMock, service(11));
  c.ecsMock.on(ListServiceDeploymentsCommand).resolves({ serviceDeployments: [] });
  const logs = new CloudWatchLogsClient({ region: 'us-east-1' });
  const logsMock = mockClient(logs);
  logsMock.on(FilterLogEventsCommand, { logGroupName: CANARY_LOG_GROUP }).resolves({
    events: canaryRecords.map((r, i) => ({ message: lambdaLine(r), timestamp: Date.parse(r.at) + i })),
  });
  logsMock.on(FilterLogEventsCommand, { logGroupName: HOOK_LOG_GROUP }).resolves({ events: [{ message: lambdaLine(verdict()), timestamp: 1 }] });
  return { ...c, logs, logsMock };
}

async function statusLines(c: ReturnType<typeof setup>): Promise<string[]> {
  const output = recordingOutput();
  await statusCommand({ cfn: c.cfn, ecs: c.ecs, logs: c.logs, stackName: STACK, output });
  return output.lines;
}

it('prints the canary\'s last verdict: PASSED, when, why, and its p50', async () => {
  const lines = await statusLines(setup([canaryVerdict()]));
  expect(lines).toContain('Canary: PASSED at 2026-12-08T02:55:00.000Z: all 47 cases passed (47 passed, 0 failed; p50 38 ms)');
});

it('prints the newest of several runs, with each failed case', async () => {
  const red = canaryVerdict({
    status: 'FAILED', reason: '1 of 47 cases failed', at: '2026-12-08T02:58:00.000Z', passed: 46, failed: 1, casesFailed: 1,
    failedCases: ['[discovery] GET /.well-known/oauth-protected-resource: expected 200 json; got 503'],
  });
  const lines = await statusLines(setup([canaryVerdict(), red]));
  const at = lines.findIndex((l) => l.startsWith('Canary: '));
  expect(lines.slice(at, at + 2)).toEqual([
    'Canary: FAILED at 2026-12-08T02:58:00.000Z: 1 of 47 cases failed (46 passed, 1 failed; p50 38 ms)',
    '  ✗ [discovery] GET /.well-known/oauth-protected-resource: expected 200 json; got 503',
  ]);
});

it('says so when the canary has not run within the look-back window, and asks only for that window', async () => {
  const c = setup([]);
  const report = await readStatus(c.cfn, c.ecs, STACK, c.logs, NOW);
  expect(report.canary).toBe('none');
  const call = c.logsMock.commandCalls(FilterLogEventsCommand, { logGroupName: CANARY_LOG_GROUP })[0]!;
  expect(call.args[0].input).toEqual({ logGroupName: CANARY_LOG_GROUP, startTime: NOW.getTime() - CANARY_LOOKBACK_MS, filterPattern: '"canary-verdict"' });
  expect(await statusLines(c)).toContain('Canary: no run in the last 2 hours (check its schedule and its function\'s errors)');
});

it('prints no canary line for a stack without one', async () => {
  const c = setup([canaryVerdict()]);
  c.cfnMock.on(DescribeStacksCommand).resolves(blueGreenStackResponse());
  expect((await statusLines(c)).filter((l) => l.startsWith('Canary'))).toEqual([]);
});

it('fails clearly when the canary\'s log cannot be read', async () => {
  const c = setup([]);
  c.logsMock.on(FilterLogEventsCommand, { logGroupName: CANARY_LOG_GROUP }).rejects(awsFailure('AccessDeniedException', 'denied'));
  await expect(statusLines(c)).rejects.toThrow(`FilterLogEvents(${CANARY_LOG_GROUP}) failed: AccessDeniedException: denied`);
});
