/**
 * Fakes for the operator-tool tests: AWS clients mocked with aws-sdk-client-mock, a scripted
 * gate, a recording output, and waits short enough to keep the suite fast.
 */
import { CloudFormationClient, DescribeStacksCommand, type DescribeStacksOutput } from '@aws-sdk/client-cloudformation';
import { DescribeServicesCommand, ECSClient, type Service } from '@aws-sdk/client-ecs';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';
import { OUTPUT_KEYS } from '../../lib/outputs.js';
import type { Gate, GateRetrySettings, MatrixReport, Output, WaitSettings } from '../../src/ops/types.js';

export const STACK = 'NeonPanelMcpGateway';
export const CLUSTER = 'gateway-cluster';
export const SERVICE = 'gateway-service';
export const FAMILY = 'neonpanel-mcp-gateway';
export const URL = 'https://mcp.neonpanel.com';

export const tdArn = (revision: number, family = FAMILY) =>
  `arn:aws:ecs:us-east-1:111122223333:task-definition/${family}:${String(revision)}`;

export const FAST_WAIT: WaitSettings = { maxWaitSeconds: 0.3, minDelaySeconds: 0.01, maxDelaySeconds: 0.02 };
export const FAST_RETRY: GateRetrySettings = { attempts: 3, delayMs: 0, sleep: () => Promise.resolve() };

export function awsFailure(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } });
}

export function clients(): {
  cfn: CloudFormationClient;
  ecs: ECSClient;
  cfnMock: AwsStub<any, any, any>;
  ecsMock: AwsStub<any, any, any>;
} {
  const cfn = new CloudFormationClient({ region: 'us-east-1' });
  const ecs = new ECSClient({ region: 'us-east-1' });
  return { cfn, ecs, cfnMock: mockClient(cfn), ecsMock: mockClient(ecs) };
}

export function stackResponse(): DescribeStacksOutput {
  return {
    Stacks: [{
      StackName: STACK,
      StackStatus: 'UPDATE_COMPLETE',
      CreationTime: new Date(0),
      Outputs: [
        { OutputKey: OUTPUT_KEYS.url, OutputValue: URL },
        { OutputKey: OUTPUT_KEYS.clusterName, OutputValue: CLUSTER },
        { OutputKey: OUTPUT_KEYS.serviceName, OutputValue: SERVICE },
        { OutputKey: OUTPUT_KEYS.taskDefinitionFamily, OutputValue: FAMILY },
      ],
    }],
  };
}

export function mockStack(cfnMock: AwsStub<any, any, any>): void {
  cfnMock.on(DescribeStacksCommand, { StackName: STACK }).resolves(stackResponse());
}

export function service(revision: number, overrides: Partial<Service> = {}): Service {
  return {
    serviceName: SERVICE,
    status: 'ACTIVE',
    taskDefinition: tdArn(revision),
    desiredCount: 2,
    runningCount: 2,
    pendingCount: 0,
    deployments: [{ status: 'PRIMARY', taskDefinition: tdArn(revision), rolloutState: 'COMPLETED', desiredCount: 2, runningCount: 2 }],
    ...overrides,
  };
}

/** DescribeServices answers with these services in turn, repeating the last. */
export function mockServices(ecsMock: AwsStub<any, any, any>, ...services: Service[]): void {
  let stub = ecsMock.on(DescribeServicesCommand);
  for (const s of services) stub = stub.resolvesOnce({ services: [s], failures: [] });
  stub.resolves({ services: [services.at(-1)!], failures: [] });
}

export const passing = (passed = 26): MatrixReport => ({
  passed, failed: 0, unreachable: false,
  results: [{ category: 'public', name: 'GET /health', ok: true, expected: '200', got: '200' }],
});
export const failing = (): MatrixReport => ({
  passed: 25, failed: 1, unreachable: false,
  results: [
    { category: 'public', name: 'GET /health', ok: true, expected: '200', got: '200' },
    { category: 'no-auth', name: 'GET /sse/', ok: false, expected: '401 with WWW-Authenticate', got: '200 text/event-stream' },
  ],
});
export const unreachable = (): MatrixReport => ({ passed: 0, failed: 19, unreachable: true, results: [] });

/** A gate that answers with `script` in turn (an Error is thrown), repeating the last. */
export function scriptedGate(...script: (MatrixReport | Error)[]): Gate & { urls: string[] } {
  const urls: string[] = [];
  let i = 0;
  const gate = (async (url: string) => {
    urls.push(url);
    const next = script[Math.min(i++, script.length - 1)]!;
    if (next instanceof Error) throw next;
    return next;
  }) as Gate & { urls: string[] };
  gate.urls = urls;
  return gate;
}

export function recordingOutput(): Output & { lines: string[]; errors: string[]; all(): string } {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    lines,
    errors,
    info: (line) => lines.push(line),
    error: (line) => errors.push(line),
    all: () => [...lines, ...errors].join('\n'),
  };
}
