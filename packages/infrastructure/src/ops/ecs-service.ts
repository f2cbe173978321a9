/**
 * The ECS calls the tools make: read the service, list a family's ACTIVE revisions, point the
 * service at a revision, and wait (bounded) until it is stable.
 */
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  paginateListTaskDefinitions,
  UpdateServiceCommand,
  waitUntilServicesStable,
  type Service,
} from '@aws-sdk/client-ecs';
import { awsError, OpsError, type WaitSettings } from './types.js';

export interface ServiceRef {
  cluster: string;
  service: string;
}

export interface Revision {
  arn: string;
  family: string;
  revision: number;
}

const TASK_DEFINITION_ARN = /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition\/([A-Za-z0-9_-]+):(\d+)$/;

export function parseRevision(arn: string): Revision {
  const match = TASK_DEFINITION_ARN.exec(arn);
  if (!match) throw new OpsError(`Not a task-definition revision ARN: ${arn}`);
  return { arn, family: match[1]!, revision: Number(match[2]) };
}

/** `family:revision`, the way people say it. */
export const label = (r: Revision): string => `${r.family}:${String(r.revision)}`;

/** The service; refuses clearly when it is missing or being deleted. */
export async function describeService(ecs: ECSClient, ref: ServiceRef): Promise<Service> {
  let response;
  try {
    response = await ecs.send(new DescribeServicesCommand({ cluster: ref.cluster, services: [ref.service] }));
  } catch (error) {
    throw awsError(`DescribeServices(${ref.service})`, error);
  }
  const service = response.services?.[0];
  if (!service || service.status === 'INACTIVE') {
    const reason = response.failures?.[0]?.reason ?? service?.status ?? 'MISSING';
    throw new OpsError(`Service ${ref.service} is not in cluster ${ref.cluster} (${reason}). Nothing to act on: deploy the stack first.`);
  }
  if (service.status === 'DRAINING') throw new OpsError(`Service ${ref.service} is being deleted (DRAINING).`);
  if (!service.taskDefinition) throw new OpsError(`Service ${ref.service} reports no task definition.`);
  return service;
}

/** ACTIVE revisions of exactly `family` (the API matches by prefix), newest first. */
export async function listActiveRevisions(ecs: ECSClient, family: string): Promise<Revision[]> {
  const revisions: Revision[] = [];
  try {
    for await (const page of paginateListTaskDefinitions({ client: ecs }, { familyPrefix: family, status: 'ACTIVE', sort: 'DESC' })) {
      for (const arn of page.taskDefinitionArns ?? []) {
        const revision = parseRevision(arn);
        if (revision.family === family) revisions.push(revision);
      }
    }
  } catch (error) {
    if (error instanceof OpsError) throw error;
    throw awsError(`ListTaskDefinitions(${family})`, error);
  }
  return revisions.sort((a, b) => b.revision - a.revision);
}

/** Status of one revision: 'ACTIVE', 'INACTIVE', 'DELETE_IN_PROGRESS', or undefined when it does not exist. */
export async function revisionStatus(ecs: ECSClient, family: string, revision: number): Promise<string | undefined> {
  try {
    const response = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: `${family}:${String(revision)}` }));
    return response.taskDefinition?.status;
  } catch (error) {
    const e = error as { name?: string; message?: string };
    if (e.name === 'ClientException' && /unable to describe task definition|does not exist|not found/i.test(e.message ?? '')) return undefined;
    throw awsError(`DescribeTaskDefinition(${family}:${String(revision)})`, error);
  }
}

export async function pointServiceAt(ecs: ECSClient, ref: ServiceRef, taskDefinitionArn: string): Promise<void> {
  try {
    await ecs.send(new UpdateServiceCommand({ cluster: ref.cluster, service: ref.service, taskDefinition: taskDefinitionArn }));
  } catch (error) {
    throw awsError(`UpdateService(${ref.service})`, error);
  }
}

/** Waits until one deployment remains and running equals desired, within `wait.maxWaitSeconds`. */
export async function waitForStable(ecs: ECSClient, ref: ServiceRef, wait: WaitSettings): Promise<void> {
  try {
    await waitUntilServicesStable(
      { client: ecs, maxWaitTime: wait.maxWaitSeconds, minDelay: wait.minDelaySeconds, maxDelay: wait.maxDelaySeconds },
      { cluster: ref.cluster, services: [ref.service] },
    );
  } catch (error) {
    const e = error as { name?: string; message?: string };
    const seen = observedResponses(e.message);
    if (e.name === 'TimeoutError') {
      throw new OpsError(`Service ${ref.service} did not become stable within ${String(wait.maxWaitSeconds)} s${seen ? ` (ECS answered: ${seen})` : ''}. Check \`pnpm run status\` and the service's events in the ECS console.`);
    }
    // The waiter's only failure states: the service went MISSING, DRAINING or INACTIVE.
    throw new OpsError(`Service ${ref.service} cannot become stable: it is missing, draining or inactive${seen ? ` (${seen})` : ''}.`);
  }
}

/** The waiter puts its result as JSON in the message; its `observedResponses` say what ECS answered. */
function observedResponses(message: string | undefined): string {
  try {
    const parsed = JSON.parse(message ?? '') as { observedResponses?: Record<string, number> };
    return Object.keys(parsed.observedResponses ?? {}).map((k) => k.slice(0, 200)).join('; ');
  } catch {
    return '';
  }
}
