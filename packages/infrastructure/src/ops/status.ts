/**
 * `pnpm run status`: running and desired task counts, the primary deployment's task
 * definition, the last deployment's revisions (previous → new) and lifecycle outcome, the
 * release hook's verdict on it (blue/green), the canary's last verdict, and whether ECS rolled
 * the deployment back and why.
 */
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeServiceDeploymentsCommand,
  ListServiceDeploymentsCommand,
  type ECSClient,
  type ServiceDeployment,
} from '@aws-sdk/client-ecs';
import { describeService, label, parseRevision } from './ecs-service.js';
import { describeCanaryVerdict, lastCanaryVerdict } from './canary-verdict.js';
import { describeVerdict, hookVerdicts } from './hook-verdict.js';
import { revisionTaskDefinitions } from './service-deployments.js';
import { readStackOutputs } from './stack-outputs.js';
import { awsError, type Output } from './types.js';
import type { VerdictRecord } from '../hook/verdict.js';
import type { CanaryVerdictRecord } from '../canary/verdict.js';

/** How far back `status` looks for the canary's last run: more than the longest interval (60 min). */
export const CANARY_LOOKBACK_MS = 2 * 60 * 60 * 1000;

export interface StatusReport {
  cluster: string;
  service: string;
  running: number;
  desired: number;
  pending: number;
  primaryTaskDefinition: string;
  rolloutState: string | undefined;
  /** BLUE_GREEN or ROLLING (a stack without the output is rolling). */
  strategy: string;
  lastDeployment: {
    status: string | undefined;
    lifecycleStage: string | undefined;
    /** Task definitions (or service-revision ARNs when unresolved) the deployment moved from and to. */
    previousRevisions: string[];
    newRevision: string | undefined;
    /** The release hook's final verdict on it, when its log group is known. */
    hookVerdict: VerdictRecord | undefined;
    circuitBreaker: string | undefined;
    alarms: string | undefined;
    triggeredAlarms: string[];
    rollbackReason: string | undefined;
  } | undefined;
  /** ECS rolled the latest deployment back on its own. */
  rolledBack: boolean;
  /**
   * The canary's last verdict; `none` when it has not run within `CANARY_LOOKBACK_MS`;
   * undefined when the stack has no canary (or no log reader was given).
   */
  canary: CanaryVerdictRecord | 'none' | undefined;
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

function revisionName(taskDefinitionOrArn: string): string {
  try {
    return label(parseRevision(taskDefinitionOrArn));
  } catch {
    return taskDefinitionOrArn;
  }
}

export async function readStatus(cfn: CloudFormationClient, ecs: ECSClient, stackName: string, logs?: CloudWatchLogsClient, now: Date = new Date()): Promise<StatusReport> {
  const outputs = await readStackOutputs(cfn, stackName);
  const service = await describeService(ecs, { cluster: outputs.clusterName, service: outputs.serviceName });
  const primary = service.deployments?.find((d) => d.status === 'PRIMARY');
  const primaryTaskDefinition = primary?.taskDefinition ?? service.taskDefinition!;
  const latest = await latestServiceDeployment(ecs, outputs.clusterName, outputs.serviceName);
  const sourceArns = (latest?.sourceServiceRevisions ?? []).map((r) => r.arn).filter((a): a is string => Boolean(a));
  const targetArn = latest?.targetServiceRevision?.arn;
  const taskDefinitions = latest ? await revisionTaskDefinitions(ecs, [...sourceArns, ...(targetArn ? [targetArn] : [])]) : new Map<string, string>();
  const named = (arn: string) => revisionName(taskDefinitions.get(arn) ?? arn);
  let hookVerdict: VerdictRecord | undefined;
  if (latest?.serviceDeploymentArn && outputs.releaseHookLogGroup && logs) {
    const since = new Date((latest.createdAt?.getTime() ?? Date.now()) - 60_000);
    hookVerdict = (await hookVerdicts(logs, outputs.releaseHookLogGroup, latest.serviceDeploymentArn, since))
      .filter((v) => v.hookStatus !== 'IN_PROGRESS').at(-1);
  }
  const canary = outputs.canaryLogGroup && logs
    ? (await lastCanaryVerdict(logs, outputs.canaryLogGroup, new Date(now.getTime() - CANARY_LOOKBACK_MS))) ?? 'none'
    : undefined;
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
    strategy: outputs.deploymentStrategy ?? 'ROLLING',
    lastDeployment: latest && {
      status: latest.status,
      lifecycleStage: latest.lifecycleStage,
      previousRevisions: sourceArns.map(named),
      newRevision: targetArn ? named(targetArn) : undefined,
      hookVerdict,
      circuitBreaker: latest.deploymentCircuitBreaker?.status,
      alarms: latest.alarms?.status,
      triggeredAlarms: latest.alarms?.triggeredAlarmNames ?? [],
      rollbackReason: latest.rollback?.reason,
    },
    rolledBack,
    canary,
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
    `Service: ${status.service} (cluster ${status.cluster}), deployed ${status.strategy === 'BLUE_GREEN' ? 'blue/green' : 'rolling'}`,
    `Tasks: ${String(status.running)} running / ${String(status.desired)} desired (${String(status.pending)} pending)`,
    `Primary deployment: ${revision}${status.rolloutState ? ` (rollout ${status.rolloutState})` : ''}`,
  ];
  const last = status.lastDeployment;
  if (!last) {
    lines.push('Last deployment: none recorded');
  } else {
    lines.push(`Last deployment: ${last.status ?? 'unknown'}${last.lifecycleStage ? ` at ${last.lifecycleStage}` : ''}; circuit breaker ${last.circuitBreaker ?? 'n/a'}; alarms ${last.alarms ?? 'n/a'}${last.triggeredAlarms.length ? ` (${last.triggeredAlarms.join(', ')})` : ''}`);
    if (last.newRevision) lines.push(`Last deployment revisions: previous ${last.previousRevisions.join(', ') || 'none'} → new ${last.newRevision}`);
    if (last.hookVerdict) lines.push(...describeVerdict(last.hookVerdict).map((l, i) => (i === 0 ? `Release hook: ${l}` : l)));
  }
  if (status.canary === 'none') lines.push(`Canary: no run in the last ${String(CANARY_LOOKBACK_MS / 3_600_000)} hours (check its schedule and its function's errors)`);
  else if (status.canary) lines.push(...describeCanaryVerdict(status.canary).map((l, i) => (i === 0 ? `Canary: ${l}` : l)));
  const cause = last?.hookVerdict?.hookStatus === 'FAILED' ? 'the release hook'
    : last?.circuitBreaker === 'TRIGGERED' ? 'the circuit breaker' : last?.alarms === 'TRIGGERED' ? 'a deployment alarm' : 'ECS';
  lines.push(status.rolledBack
    ? `Rolled back by ECS: yes, by ${cause}${last?.rollbackReason ? `: ${last.rollbackReason}` : ''}`
    : 'Rolled back by ECS: no');
  return lines;
}

export async function statusCommand(options: { cfn: CloudFormationClient; ecs: ECSClient; logs?: CloudWatchLogsClient; stackName: string; output: Output }): Promise<number> {
  const status = await readStatus(options.cfn, options.ecs, options.stackName, options.logs);
  for (const line of formatStatus(status)) options.output.info(line);
  return 0;
}
