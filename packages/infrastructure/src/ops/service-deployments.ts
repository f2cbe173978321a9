/**
 * ECS service deployments (the API behind blue/green): which ones a service has, one's status
 * and lifecycle stage, and which task definitions its service revisions run.
 */
import {
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  ListServiceDeploymentsCommand,
  type ECSClient,
  type ServiceDeployment,
} from '@aws-sdk/client-ecs';
import type { ServiceRef } from './ecs-service.js';
import { awsError } from './types.js';

/** Statuses after which a deployment changes no more. */
export const TERMINAL_STATUSES = ['SUCCESSFUL', 'STOPPED', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED'] as const;
export const isTerminal = (d: ServiceDeployment | undefined): boolean => (TERMINAL_STATUSES as readonly string[]).includes(d?.status ?? '');
export const isRollback = (d: ServiceDeployment | undefined): boolean => (d?.status ?? '').startsWith('ROLLBACK');

/** Stages at which production traffic has reached the new revision. */
export const PRODUCTION_STAGES = ['PRODUCTION_TRAFFIC_SHIFT', 'POST_PRODUCTION_TRAFFIC_SHIFT', 'BAKE_TIME', 'CLEAN_UP'] as const;

/** The service's recent deployments, newest first (ARN and creation time). */
export async function listDeployments(ecs: ECSClient, ref: ServiceRef): Promise<{ arn: string; createdAt: number }[]> {
  let listed;
  try {
    listed = await ecs.send(new ListServiceDeploymentsCommand({ cluster: ref.cluster, service: ref.service, maxResults: 20 }));
  } catch (error) {
    throw awsError(`ListServiceDeployments(${ref.service})`, error);
  }
  return (listed?.serviceDeployments ?? [])
    .filter((d) => d.serviceDeploymentArn)
    .map((d) => ({ arn: d.serviceDeploymentArn!, createdAt: d.createdAt?.getTime() ?? 0 }))
    .sort((a, b) => b.createdAt - a.createdAt);
}

export async function describeDeployment(ecs: ECSClient, arn: string): Promise<ServiceDeployment | undefined> {
  try {
    return (await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] })))?.serviceDeployments?.[0];
  } catch (error) {
    throw awsError('DescribeServiceDeployments', error);
  }
}

/** Service-revision ARN → the task definition it runs. */
export async function revisionTaskDefinitions(ecs: ECSClient, arns: string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(arns.filter(Boolean))];
  if (wanted.length === 0) return new Map();
  let described;
  try {
    described = await ecs.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: wanted }));
  } catch (error) {
    throw awsError('DescribeServiceRevisions', error);
  }
  return new Map((described?.serviceRevisions ?? [])
    .filter((r) => r.serviceRevisionArn && r.taskDefinition)
    .map((r) => [r.serviceRevisionArn!, r.taskDefinition!]));
}
