/**
 * `pnpm run status`: running and desired task counts, the primary deployment's task
 * definition, and whether ECS rolled the last deployment back (circuit breaker or alarm).
 */
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import {
  DescribeServiceDeploymentsCommand,
  ListServiceDeploymentsCommand,
  type ECSClient,
  type ServiceDeployment,
} from '@aws-sdk/client-ecs';
import { describeService, label, parseRevision } from './ecs-service.js';
import { readStackOutputs } from './stack-outputs.js';
import { awsError, type Output } from './types.js';

export interface StatusReport {
  cluster: string;
  service: string;
  running: number;
  desired: number;
  pending: number;
  primaryTaskDefinition: string;
  rolloutState: string | undefined;
  lastDeployment: {
    status: string | undefined;
    circuitBreaker: string | undefined;
    alarms: string | undefined;
    triggeredAlarms: string[];
    rollbackReason: string | undefined;
  } | undefined;
  /** ECS rolled the latest deployment back on its own. */
  rolledBack: boolean;
}

async function latestServiceDeployment(ecs: ECSClient, cluster: string, service: string): Promise<ServiceDeployment | undefined> {
  let listed;
  try {
    listed = await ecs.send(new ListServiceDeploymentsCommand({ cluster, service, maxResults: 20 }));
  } catch (error) {
    throw awsError(`ListServiceDeployments(${service})`, error);
  }
  const newest = [...(listed.serviceDeployments ?? [])]
    .sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0))[0];
  if (!newest?.serviceDeploymentArn) return undefined;
  try {
    const described = await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [newest.serviceDeploymentArn] }));
    return described.serviceDeployments?.[0];
  } catch (error) {
    throw awsError('DescribeServiceDeployments', error);
  }
}

export async function readStatus(cfn: CloudFormationClient, ecs: ECSClient, stackName: string): Promise<StatusReport> {
  const outputs = await readStackOutputs(cfn, stackName);
  const service = await describeService(ecs, { cluster: outputs.clusterName, service: outputs.serviceName });
  const primary = service.deployments?.find((d) => d.status === 'PRIMARY');
  const primaryTaskDefinition = primary?.taskDefinition ?? service.taskDefinition!;
  const latest = await latestServiceDeployment(ecs, outputs.clusterName, outputs.serviceName);
  const rolledBack = latest?.status?.startsWith('ROLLBACK') === true
    || (primary?.rolloutState === 'FAILED' && /circuit breaker/i.test(primary.rolloutStateReason ?? ''));
  return {
    cluster: outputs.clusterName,
    service: outputs.serviceName,
    running: service.runningCount ?? 0,
    desired: service.desiredCount ?? 0,
    pending: service.pendingCount ?? 0,
    primaryTaskDefinition,
    rolloutState: primary?.rolloutState,
    lastDeployment: latest && {
      status: latest.status,
      circuitBreaker: latest.deploymentCircuitBreaker?.status,
      alarms: latest.alarms?.status,
      triggeredAlarms: latest.alarms?.triggeredAlarmNames ?? [],
      rollbackReason: latest.rollback?.reason,
    },
    rolledBack,
  };
}

export function formatStatus(status: StatusReport): string[] {
  let revision: string;
  try {
    revision = label(parseRevision(status.primaryTaskDefinition));
  } catch {
    revision = status.primaryTaskDefinition;
  }
  const lines = [
    `Service: ${status.service} (cluster ${status.cluster})`,
    `Tasks: ${String(status.running)} running / ${String(status.desired)} desired (${String(status.pending)} pending)`,
    `Primary deployment: ${revision}${status.rolloutState ? ` (rollout ${status.rolloutState})` : ''}`,
  ];
  const last = status.lastDeployment;
  if (!last) {
    lines.push('Last deployment: none recorded');
  } else {
    lines.push(`Last deployment: ${last.status ?? 'unknown'}; circuit breaker ${last.circuitBreaker ?? 'n/a'}; alarms ${last.alarms ?? 'n/a'}${last.triggeredAlarms.length ? ` (${last.triggeredAlarms.join(', ')})` : ''}`);
  }
  const cause = last?.circuitBreaker === 'TRIGGERED' ? 'the circuit breaker' : last?.alarms === 'TRIGGERED' ? 'a deployment alarm' : 'ECS';
  lines.push(status.rolledBack
    ? `Rolled back by ECS: yes, by ${cause}${last?.rollbackReason ? `: ${last.rollbackReason}` : ''}`
    : 'Rolled back by ECS: no');
  return lines;
}

export async function statusCommand(options: { cfn: CloudFormationClient; ecs: ECSClient; stackName: string; output: Output }): Promise<number> {
  const status = await readStatus(options.cfn, options.ecs, options.stackName);
  for (const line of formatStatus(status)) options.output.info(line);
  return 0;
}
