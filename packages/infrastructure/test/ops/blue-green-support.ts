/**
 * Fakes for following a blue/green deployment: the stack's blue/green outputs, ECS service
 * deployments as they move through their stages, service revisions, and the release hook's
 * verdict lines as Lambda writes them to CloudWatch Logs.
 */
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeServiceDeploymentsCommand, DescribeServiceRevisionsCommand, ListServiceDeploymentsCommand, type ServiceDeployment } from '@aws-sdk/client-ecs';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';
import { OPTIONAL_OUTPUT_KEYS } from '../../lib/outputs.js';
import type { StackOutputs } from '../../src/ops/stack-outputs.js';
import type { FollowSettings } from '../../src/ops/types.js';
import type { VerdictRecord } from '../../src/hook/verdict.js';
import { CLUSTER, FAMILY, SERVICE, stackResponse, tdArn, URL } from './support.js';

export const HOOK_LOG_GROUP = 'NeonPanelMcpGateway-ReleaseHookLogs-abc';
export const OLD_DEPLOYMENT = 'arn:aws:ecs:us-east-1:111122223333:service-deployment/gateway-cluster/gateway-service/old';
export const NEW_DEPLOYMENT = 'arn:aws:ecs:us-east-1:111122223333:service-deployment/gateway-cluster/gateway-service/EZe5RNVLH6PPzHXINuP28';
export const BLUE = 'arn:aws:ecs:us-east-1:111122223333:service-revision/gateway-cluster/gateway-service/1920498462936580504';
export const GREEN = 'arn:aws:ecs:us-east-1:111122223333:service-revision/gateway-cluster/gateway-service/9313423515462893900';

/** Ten looks, no waiting. */
export const FAST_FOLLOW: FollowSettings = { pollSeconds: 1, maxWaitSeconds: 10, sleep: () => Promise.resolve() };

export const blueGreenOutputs = (): StackOutputs => ({
  url: URL, clusterName: CLUSTER, serviceName: SERVICE, taskDefinitionFamily: FAMILY,
  deploymentStrategy: 'BLUE_GREEN', releaseHookLogGroup: HOOK_LOG_GROUP,
});

export function blueGreenStackResponse() {
  const response = stackResponse();
  response.Stacks![0]!.Outputs!.push(
    { OutputKey: OPTIONAL_OUTPUT_KEYS.deploymentStrategy, OutputValue: 'BLUE_GREEN' },
    { OutputKey: OPTIONAL_OUTPUT_KEYS.releaseHookLogGroup, OutputValue: HOOK_LOG_GROUP },
  );
  return response;
}

export function deployment(status: string, lifecycleStage?: string, overrides: Partial<ServiceDeployment> = {}): ServiceDeployment {
  return {
    serviceDeploymentArn: NEW_DEPLOYMENT,
    status: status as ServiceDeployment['status'],
    ...(lifecycleStage ? { lifecycleStage: lifecycleStage as ServiceDeployment['lifecycleStage'] } : {}),
    sourceServiceRevisions: [{ arn: BLUE }],
    targetServiceRevision: { arn: GREEN },
    ...overrides,
  };
}

/** Before the deploy only the old deployment exists; afterwards the new one too. */
export function mockDeployments(ecsMock: AwsStub<any, any, any>, ...states: ServiceDeployment[]): void {
  ecsMock.on(ListServiceDeploymentsCommand)
    .resolvesOnce({ serviceDeployments: [{ serviceDeploymentArn: OLD_DEPLOYMENT, createdAt: new Date('2026-11-01T00:00:00Z'), status: 'SUCCESSFUL' }] })
    .resolves({
      serviceDeployments: [
        { serviceDeploymentArn: OLD_DEPLOYMENT, createdAt: new Date('2026-11-01T00:00:00Z'), status: 'SUCCESSFUL' },
        { serviceDeploymentArn: NEW_DEPLOYMENT, createdAt: new Date('2026-12-02T15:00:00Z'), status: states[0]?.status },
      ],
    });
  let stub = ecsMock.on(DescribeServiceDeploymentsCommand, { serviceDeploymentArns: [NEW_DEPLOYMENT] });
  for (const state of states) stub = stub.resolvesOnce({ serviceDeployments: [state] });
  stub.resolves({ serviceDeployments: [states.at(-1)!] });
  ecsMock.on(DescribeServiceRevisionsCommand).resolves({
    serviceRevisions: [
      { serviceRevisionArn: BLUE, taskDefinition: tdArn(11) },
      { serviceRevisionArn: GREEN, taskDefinition: tdArn(12) },
    ],
  });
}

export function verdict(overrides: Partial<VerdictRecord> = {}): VerdictRecord {
  return {
    event: 'release-gate-verdict',
    hookStatus: 'SUCCEEDED',
    reason: 'all 40 cases passed',
    executionId: '3a0345ba',
    lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
    serviceDeploymentArn: NEW_DEPLOYMENT,
    targetServiceRevisionArn: GREEN,
    attempt: 1,
    passed: 40,
    failed: 0,
    failedCases: [],
    skipped: [],
    ...overrides,
  };
}

export const failedVerdict = () => verdict({
  hookStatus: 'FAILED',
  reason: '2 of 42 cases failed',
  passed: 40,
  failed: 2,
  failedCases: [
    '[no-auth] GET /sse/: expected 401 with a Bearer challenge; got 200 text/event-stream -- status 200, want 401',
    '[legacy-sse] GET /sse/ with Bearer test-token-123: expected 401; got 200 text/event-stream',
  ],
});

/** How Lambda's text log format writes a console.log line. */
export const lambdaLine = (record: object) => `2026-12-02T15:04:05.678Z\tc0ffee00-0000-4000-8000-000000000000\tINFO\t${JSON.stringify(record)}\n`;

export function logsWith(...records: VerdictRecord[]): { logs: CloudWatchLogsClient; logsMock: AwsStub<any, any, any> } {
  const logs = new CloudWatchLogsClient({ region: 'us-east-1' });
  const logsMock = mockClient(logs);
  logsMock.on(FilterLogEventsCommand).resolves({ events: records.map((r, i) => ({ message: lambdaLine(r), timestamp: i })) });
  return { logs, logsMock };
}
