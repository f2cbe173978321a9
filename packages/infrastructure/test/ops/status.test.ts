/**
 * `status`: counts, the primary deployment's revision, and whether ECS rolled back — with
 * each AWS call failing in turn.
 */
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeServiceDeploymentsCommand, DescribeServicesCommand, ListServiceDeploymentsCommand } from '@aws-sdk/client-ecs';
import { statusCommand } from '../../src/ops/status.js';
import { awsFailure, clients, CLUSTER, FAMILY, mockServices, mockStack, recordingOutput, service, SERVICE, STACK, tdArn } from './support.js';

const DEPLOYMENT_ARN = 'arn:aws:ecs:us-east-1:111122223333:service-deployment/gateway-cluster/gateway-service/abc';

function setup() {
  const c = clients();
  mockStack(c.cfnMock);
  return c;
}

async function status(c: ReturnType<typeof setup>) {
  const output = recordingOutput();
  const code = await statusCommand({ cfn: c.cfn, ecs: c.ecs, stackName: STACK, output });
  return { code, text: output.lines.join('\n') };
}

describe('status', () => {
  it('shows running and desired counts and the primary deployment\'s revision', async () => {
    const c = setup();
    mockServices(c.ecsMock, service(12, {
      runningCount: 3,
      desiredCount: 4,
      pendingCount: 1,
      deployments: [
        { status: 'PRIMARY', taskDefinition: tdArn(13), rolloutState: 'IN_PROGRESS' },
        { status: 'ACTIVE', taskDefinition: tdArn(12) },
      ],
    }));
    c.ecsMock.on(ListServiceDeploymentsCommand).resolves({ serviceDeployments: [] });
    const { code, text } = await status(c);
    expect(code).toBe(0);
    expect(text).toContain(`Service: ${SERVICE} (cluster ${CLUSTER})`);
    expect(text).toContain('Tasks: 3 running / 4 desired (1 pending)');
    expect(text).toContain(`Primary deployment: ${FAMILY}:13 (rollout IN_PROGRESS)`);
    expect(text).toContain('Last deployment: none recorded');
    expect(text).toContain('Rolled back by ECS: no');
  });

  it('says when the circuit breaker rolled the last deployment back, and why', async () => {
    const c = setup();
    mockServices(c.ecsMock, service(12));
    c.ecsMock.on(ListServiceDeploymentsCommand).resolves({
      serviceDeployments: [
        { serviceDeploymentArn: 'older', createdAt: new Date('2026-01-01T00:00:00Z'), status: 'SUCCESSFUL' },
        { serviceDeploymentArn: DEPLOYMENT_ARN, createdAt: new Date('2026-02-01T00:00:00Z'), status: 'ROLLBACK_SUCCESSFUL' },
      ],
    });
    c.ecsMock.on(DescribeServiceDeploymentsCommand, { serviceDeploymentArns: [DEPLOYMENT_ARN] }).resolves({
      serviceDeployments: [{
        serviceDeploymentArn: DEPLOYMENT_ARN,
        status: 'ROLLBACK_SUCCESSFUL',
        deploymentCircuitBreaker: { status: 'TRIGGERED', failureCount: 3, threshold: 3 },
        alarms: { status: 'MONITORING_COMPLETE', alarmNames: ['NeonPanelMcpGateway-5xx'], triggeredAlarmNames: [] },
        rollback: { reason: 'ECS deployment circuit breaker: tasks failed to start.' },
      }],
    });
    const { text } = await status(c);
    expect(text).toContain('Last deployment: ROLLBACK_SUCCESSFUL; circuit breaker TRIGGERED; alarms MONITORING_COMPLETE');
    expect(text).toContain('Rolled back by ECS: yes, by the circuit breaker: ECS deployment circuit breaker: tasks failed to start.');
  });

  it('says when a deployment alarm rolled it back', async () => {
    const c = setup();
    mockServices(c.ecsMock, service(12));
    c.ecsMock.on(ListServiceDeploymentsCommand).resolves({ serviceDeployments: [{ serviceDeploymentArn: DEPLOYMENT_ARN, createdAt: new Date() }] });
    c.ecsMock.on(DescribeServiceDeploymentsCommand).resolves({
      serviceDeployments: [{
        status: 'ROLLBACK_IN_PROGRESS',
        deploymentCircuitBreaker: { status: 'MONITORING' },
        alarms: { status: 'TRIGGERED', triggeredAlarmNames: ['NeonPanelMcpGateway-5xx'] },
      }],
    });
    const { text } = await status(c);
    expect(text).toContain('alarms TRIGGERED (NeonPanelMcpGateway-5xx)');
    expect(text).toContain('Rolled back by ECS: yes, by a deployment alarm');
  });

  it('recognises a circuit-breaker failure from the service\'s own deployment record', async () => {
    const c = setup();
    mockServices(c.ecsMock, service(12, {
      deployments: [{ status: 'PRIMARY', taskDefinition: tdArn(12), rolloutState: 'FAILED', rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.' }],
    }));
    c.ecsMock.on(ListServiceDeploymentsCommand).resolves({ serviceDeployments: [] });
    expect((await status(c)).text).toContain('Rolled back by ECS: yes');
  });

  it.each([
    ['DescribeStacks', (c: ReturnType<typeof setup>) => c.cfnMock.on(DescribeStacksCommand).rejects(awsFailure('AccessDenied', 'denied')), /DescribeStacks\(NeonPanelMcpGateway\) failed: AccessDenied/],
    ['DescribeServices', (c: ReturnType<typeof setup>) => c.ecsMock.on(DescribeServicesCommand).rejects(awsFailure('AccessDeniedException', 'denied')), /DescribeServices\(gateway-service\) failed/],
    ['ListServiceDeployments', (c: ReturnType<typeof setup>) => {
      mockServices(c.ecsMock, service(12));
      c.ecsMock.on(ListServiceDeploymentsCommand).rejects(awsFailure('AccessDeniedException', 'denied'));
    }, /ListServiceDeployments\(gateway-service\) failed: AccessDeniedException/],
    ['DescribeServiceDeployments', (c: ReturnType<typeof setup>) => {
      mockServices(c.ecsMock, service(12));
      c.ecsMock.on(ListServiceDeploymentsCommand).resolves({ serviceDeployments: [{ serviceDeploymentArn: DEPLOYMENT_ARN }] });
      c.ecsMock.on(DescribeServiceDeploymentsCommand).rejects(awsFailure('ServerException', 'boom'));
    }, /DescribeServiceDeployments failed: ServerException: boom/],
  ])('fails clearly when %s fails', async (_name, arrange, message) => {
    const c = setup();
    arrange(c);
    await expect(status(c)).rejects.toThrow(message);
  });
});
