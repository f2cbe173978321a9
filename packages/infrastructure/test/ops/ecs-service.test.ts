/**
 * The ECS and CloudFormation calls, each with its failure: every AWS error surfaces as an
 * OpsError that names the operation.
 */
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ListTaskDefinitionsCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import {
  describeService,
  listActiveRevisions,
  parseRevision,
  pointServiceAt,
  revisionStatus,
  waitForStable,
} from '../../src/ops/ecs-service.js';
import { findStackOutputs, readStackOutputs } from '../../src/ops/stack-outputs.js';
import { OpsError } from '../../src/ops/types.js';
import { awsFailure, clients, CLUSTER, FAMILY, FAST_WAIT, mockServices, mockStack, service, SERVICE, STACK, stackResponse, tdArn, URL } from './support.js';

const ref = { cluster: CLUSTER, service: SERVICE };

describe('stack outputs', () => {
  it('reads the URL, cluster, service and family', async () => {
    const { cfn, cfnMock } = clients();
    mockStack(cfnMock);
    await expect(readStackOutputs(cfn, STACK)).resolves.toEqual({ url: URL, clusterName: CLUSTER, serviceName: SERVICE, taskDefinitionFamily: FAMILY });
  });

  it('reports a missing stack as missing', async () => {
    const { cfn, cfnMock } = clients();
    cfnMock.on(DescribeStacksCommand).rejects(awsFailure('ValidationError', `Stack with id ${STACK} does not exist`));
    await expect(findStackOutputs(cfn, STACK)).resolves.toBeUndefined();
    await expect(readStackOutputs(cfn, STACK)).rejects.toThrow(`Stack ${STACK} does not exist in this account and region`);
  });

  it('names the outputs a foreign stack lacks', async () => {
    const { cfn, cfnMock } = clients();
    const response = stackResponse();
    response.Stacks![0]!.Outputs = response.Stacks![0]!.Outputs!.slice(0, 2);
    cfnMock.on(DescribeStacksCommand).resolves(response);
    await expect(readStackOutputs(cfn, STACK)).rejects.toThrow(/lacks the outputs ServiceName, TaskDefinitionFamily/);
  });

  it('surfaces a DescribeStacks failure', async () => {
    const { cfn, cfnMock } = clients();
    cfnMock.on(DescribeStacksCommand).rejects(awsFailure('AccessDenied', 'not authorized to perform cloudformation:DescribeStacks'));
    await expect(readStackOutputs(cfn, STACK)).rejects.toThrow(new OpsError(`DescribeStacks(${STACK}) failed: AccessDenied: not authorized to perform cloudformation:DescribeStacks`));
  });
});

describe('parseRevision', () => {
  it('splits an ARN into family and revision', () => {
    expect(parseRevision(tdArn(12))).toEqual({ arn: tdArn(12), family: FAMILY, revision: 12 });
    expect(() => parseRevision('neonpanel-mcp-gateway:12')).toThrow(OpsError);
  });
});

describe('describeService', () => {
  it('returns an active service', async () => {
    const { ecs, ecsMock } = clients();
    mockServices(ecsMock, service(7));
    await expect(describeService(ecs, ref)).resolves.toEqual(expect.objectContaining({ taskDefinition: tdArn(7) }));
    expect(ecsMock.commandCalls(DescribeServicesCommand)[0]!.args[0].input).toEqual({ cluster: CLUSTER, services: [SERVICE] });
  });

  it.each([
    ['MISSING', { services: [], failures: [{ reason: 'MISSING', arn: SERVICE }] }, /is not in cluster gateway-cluster \(MISSING\)/],
    ['INACTIVE', { services: [service(7, { status: 'INACTIVE' })], failures: [] }, /is not in cluster gateway-cluster \(INACTIVE\)/],
    ['DRAINING', { services: [service(7, { status: 'DRAINING' })], failures: [] }, /being deleted \(DRAINING\)/],
  ])('refuses a %s service', async (_label, response, message) => {
    const { ecs, ecsMock } = clients();
    ecsMock.on(DescribeServicesCommand).resolves(response);
    await expect(describeService(ecs, ref)).rejects.toThrow(message);
  });

  it('surfaces a DescribeServices failure', async () => {
    const { ecs, ecsMock } = clients();
    ecsMock.on(DescribeServicesCommand).rejects(awsFailure('ClusterNotFoundException', 'Cluster not found.'));
    await expect(describeService(ecs, ref)).rejects.toThrow(`DescribeServices(${SERVICE}) failed: ClusterNotFoundException: Cluster not found.`);
  });
});

describe('listActiveRevisions', () => {
  it('pages through, keeps exactly the family, newest first', async () => {
    const { ecs, ecsMock } = clients();
    ecsMock.on(ListTaskDefinitionsCommand)
      .resolvesOnce({ taskDefinitionArns: [tdArn(9), tdArn(3, `${FAMILY}-canary`)], nextToken: 'page-2' })
      .resolvesOnce({ taskDefinitionArns: [tdArn(12), tdArn(4)] });
    const revisions = await listActiveRevisions(ecs, FAMILY);
    expect(revisions.map((r) => r.revision)).toEqual([12, 9, 4]);
    const inputs = ecsMock.commandCalls(ListTaskDefinitionsCommand).map((c) => c.args[0].input);
    expect(inputs[0]).toEqual(expect.objectContaining({ familyPrefix: FAMILY, status: 'ACTIVE' }));
    expect(inputs[1]).toEqual(expect.objectContaining({ nextToken: 'page-2' }));
  });

  it('surfaces a ListTaskDefinitions failure', async () => {
    const { ecs, ecsMock } = clients();
    ecsMock.on(ListTaskDefinitionsCommand).rejects(awsFailure('AccessDeniedException', 'denied'));
    await expect(listActiveRevisions(ecs, FAMILY)).rejects.toThrow(`ListTaskDefinitions(${FAMILY}) failed: AccessDeniedException: denied`);
  });
});

describe('revisionStatus', () => {
  it('reads a revision\'s status', async () => {
    const { ecs, ecsMock } = clients();
    ecsMock.on(DescribeTaskDefinitionCommand, { taskDefinition: `${FAMILY}:5` }).resolves({ taskDefinition: { status: 'INACTIVE' } });
    await expect(revisionStatus(ecs, FAMILY, 5)).resolves.toBe('INACTIVE');
  });

  it('says undefined for a revision that does not exist', async () => {
    const { ecs, ecsMock } = clients();
    ecsMock.on(DescribeTaskDefinitionCommand).rejects(awsFailure('ClientException', 'Unable to describe task definition.'));
    await expect(revisionStatus(ecs, FAMILY, 99)).resolves.toBeUndefined();
  });

  it('surfaces any other DescribeTaskDefinition failure', async () => {
    const { ecs, ecsMock } = clients();
    ecsMock.on(DescribeTaskDefinitionCommand).rejects(awsFailure('ServerException', 'internal error'));
    await expect(revisionStatus(ecs, FAMILY, 5)).rejects.toThrow(`DescribeTaskDefinition(${FAMILY}:5) failed: ServerException: internal error`);
  });
});

describe('pointServiceAt', () => {
  it('updates the service to the revision', async () => {
    const { ecs, ecsMock } = clients();
    ecsMock.on(UpdateServiceCommand).resolves({});
    await pointServiceAt(ecs, ref, tdArn(4));
    expect(ecsMock.commandCalls(UpdateServiceCommand)[0]!.args[0].input).toEqual({ cluster: CLUSTER, service: SERVICE, taskDefinition: tdArn(4) });
  });

  it('surfaces an UpdateService failure', async () => {
    const { ecs, ecsMock } = clients();
    ecsMock.on(UpdateServiceCommand).rejects(awsFailure('InvalidParameterException', 'TaskDefinition is inactive'));
    await expect(pointServiceAt(ecs, ref, tdArn(4))).rejects.toThrow(`UpdateService(${SERVICE}) failed: InvalidParameterException: TaskDefinition is inactive`);
  });
});

describe('waitForStable', () => {
  it('returns once one deployment remains and running equals desired', async () => {
    const { ecs, ecsMock } = clients();
    const rolling = service(4, {
      runningCount: 1,
      deployments: [
        { status: 'PRIMARY', taskDefinition: tdArn(4) },
        { status: 'ACTIVE', taskDefinition: tdArn(5) },
      ],
    });
    mockServices(ecsMock, rolling, rolling, service(4));
    await waitForStable(ecs, ref, FAST_WAIT);
    expect(ecsMock.commandCalls(DescribeServicesCommand)).toHaveLength(3);
  });

  it('gives up at the bound with a clear message', async () => {
    const { ecs, ecsMock } = clients();
    mockServices(ecsMock, service(4, { runningCount: 0 }));
    const started = Date.now();
    await expect(waitForStable(ecs, ref, FAST_WAIT)).rejects.toThrow(`Service ${SERVICE} did not become stable within 0.3 s`);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('keeps polling through DescribeServices errors, then reports what ECS answered', async () => {
    const { ecs, ecsMock } = clients();
    ecsMock.on(DescribeServicesCommand).rejects(awsFailure('AccessDeniedException', 'not authorized to perform ecs:DescribeServices'));
    await expect(waitForStable(ecs, ref, FAST_WAIT)).rejects.toThrow(/did not become stable within 0\.3 s \(ECS answered: 400: not authorized to perform ecs:DescribeServices\)/);
  });

  it('fails at once when the service disappears', async () => {
    const { ecs, ecsMock } = clients();
    ecsMock.on(DescribeServicesCommand).resolves({ services: [], failures: [{ reason: 'MISSING' }] });
    await expect(waitForStable(ecs, ref, FAST_WAIT)).rejects.toThrow(/cannot become stable: it is missing, draining or inactive/);
  });
});
