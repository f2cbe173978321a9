/**
 * A second configuration, synthesized once: defaults everywhere except pinned zones, ARM64,
 * stateless sessions, no client secret, the rolling deployment strategy (for accounts
 * that cannot use ECS blue/green), no shared store, direct auth (no broker), and ECS Exec on.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { synthesize, type Synthesized } from './support/fixture.js';

let synth: Synthesized;
let template: Template;

beforeAll(() => {
  synth = synthesize({
    hostedZoneId: 'Z0123456789EXAMPLE',
    region: 'eu-central-1',
    availabilityZones: 'eu-central-1b,eu-central-1c',
    cpuArchitecture: 'ARM64',
    sessionMode: 'stateless',
    deploymentStrategy: 'rolling',
    sharedStore: 'none',
    authMode: 'direct',
    executeCommand: 'true',
  });
  template = synth.template;
});
afterAll(() => synth?.dispose());

function containerDefinition(): Record<string, any> {
  const [task] = Object.values(template.findResources('AWS::ECS::TaskDefinition'));
  return task!['Properties'].ContainerDefinitions[0];
}

it('places subnets in the pinned zones, by name', () => {
  const zones = new Set(Object.values(template.findResources('AWS::EC2::Subnet')).map((s) => s['Properties'].AvailabilityZone));
  expect([...zones].sort()).toEqual(['eu-central-1b', 'eu-central-1c']);
});

it('builds and runs ARM64', () => {
  template.hasResourceProperties('AWS::ECS::TaskDefinition', { RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' } });
  const assets = JSON.parse(readFileSync(path.join(synth.outdir, `${synth.stack.artifactId}.assets.json`), 'utf8')) as {
    dockerImages: Record<string, { source: { platform?: string } }>;
  };
  expect(Object.values(assets.dockerImages).map((d) => d.source.platform)).toEqual(['linux/arm64']);
});

it('uses the defaults: NeonPanel endpoints, 2-6 tasks, 30-day logs, no secrets', () => {
  const env = Object.fromEntries((containerDefinition()['Environment'] as { Name: string; Value: string }[]).map((e) => [e.Name, e.Value]));
  expect(env).toEqual(expect.objectContaining({
    PUBLIC_BASE_URL: 'https://mcp.neonpanel.com',
    NEONPANEL_API_BASE: 'https://my.neonpanel.com',
    OAUTH_ISSUER: 'https://my.neonpanel.com',
    OAUTH_PROFILE: 'neonpanel',
    MCP_SESSION_MODE: 'stateless',
    AUTH_MODE: 'direct',
  }));
  // No broker secrets, and no cluster mode without the serverless cache.
  expect(env).not.toHaveProperty('REDIS_MODE');
  expect((template.toJSON()['Outputs'] as Record<string, unknown>)['NeonPanelCallbackUrl']).toBeUndefined();
  // Found through the issuer's metadata by the server, never guessed by the stack.
  expect(env).not.toHaveProperty('OAUTH_JWKS_URI');
  expect(env).not.toHaveProperty('OAUTH_AUDIENCE');
  expect(env).not.toHaveProperty('OAUTH_SCOPES');
  expect(containerDefinition()['Secrets']).toBeUndefined();
  template.hasResourceProperties('AWS::ECS::Service', { DesiredCount: 2 });
  template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 6 });
  const logGroupId = (containerDefinition()['LogConfiguration'].Options['awslogs-group'] as { Ref: string }).Ref;
  expect(template.toJSON()['Resources'][logGroupId].Properties).toEqual({ RetentionInDays: 30 });
  template.hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: '512', Memory: '1024' });
});

it('keeps cookie stickiness in stateless mode, for legacy SSE sessions', () => {
  const [tg] = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::TargetGroup'));
  const attributes = Object.fromEntries((tg!['Properties'].TargetGroupAttributes as { Key: string; Value: string }[]).map((a) => [a.Key, a.Value]));
  expect(attributes['stickiness.enabled']).toBe('true');
});

describe('rolling mode', () => {
  it('deploys rolling, 100 % → 200 %, with the circuit breaker and alarms, and no hook', () => {
    const [service] = Object.values(template.findResources('AWS::ECS::Service'));
    const config = service!['Properties'].DeploymentConfiguration;
    expect(config.Strategy).toBe('ROLLING');
    expect(config.DeploymentCircuitBreaker).toEqual({ Enable: true, Rollback: true });
    expect(config.Alarms.Rollback).toBe(true);
    expect(config.LifecycleHooks).toBeUndefined();
    expect(config.BakeTimeInMinutes).toBeUndefined();
    // The canary's function only: no release hook.
    expect(Object.values(template.findResources('AWS::Lambda::Function')).map((f) => f['Properties'].Handler)).toEqual(['index.canary']);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerRule', 0);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 1);
    expect((template.toJSON()['Outputs'] as Record<string, { Value: unknown }>)['DeploymentStrategy']!.Value).toBe('ROLLING');
  });

  it('scales on CPU and on requests per target', () => {
    const policies = Object.values(template.findResources('AWS::ApplicationAutoScaling::ScalingPolicy'))
      .map((p) => p['Properties'].TargetTrackingScalingPolicyConfiguration);
    expect(policies.map((c) => c.PredefinedMetricSpecification.PredefinedMetricType).sort()).toEqual(['ALBRequestCountPerTarget', 'ECSServiceAverageCPUUtilization']);
  });

  it('watches its one target group with the unhealthy-host alarm', () => {
    const alarm = Object.values(template.findResources('AWS::CloudWatch::Alarm')).find((a) => a['Properties'].AlarmName.endsWith('-unhealthy-hosts'));
    expect(alarm!['Properties']).toEqual(expect.objectContaining({ MetricName: 'UnHealthyHostCount', Threshold: 1 }));
  });
});

it('runs without the shared store when asked: no cache, no REDIS_URL, and cookie stickiness on as before', () => {
  expect(Object.keys(template.findResources('AWS::ElastiCache::ServerlessCache'))).toHaveLength(0);
  const env = (containerDefinition()['Environment'] as { Name: string }[]).map((e) => e.Name);
  expect(env).not.toContain('REDIS_URL');
  const [tg] = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::TargetGroup'));
  const attributes = Object.fromEntries((tg!['Properties'].TargetGroupAttributes as { Key: string; Value: string }[]).map((a) => [a.Key, a.Value]));
  expect(attributes['stickiness.enabled']).toBe('true');
});

it('turns ECS Exec on with the three writable directories its agent needs on a read-only root', () => {
  const [service] = Object.values(template.findResources('AWS::ECS::Service'));
  expect(service!['Properties'].EnableExecuteCommand).toBe(true);
  const container = containerDefinition();
  expect(container['ReadonlyRootFilesystem']).toBe(true);
  expect((container['MountPoints'] as { ContainerPath: string; ReadOnly: boolean }[]).map((m) => `${m.ContainerPath} ${String(m.ReadOnly)}`).sort())
    .toEqual(['/managed-agents false', '/tmp false', '/var/lib/amazon/ssm false', '/var/log/amazon/ssm false']);
  const [task] = Object.values(template.findResources('AWS::ECS::TaskDefinition'));
  const taskRoleId = task!['Properties'].TaskRoleArn['Fn::GetAtt'][0] as string;
  const statements = Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => (p['Properties'].Roles as { Ref: string }[]).some((r) => r.Ref === taskRoleId))
    .flatMap((p) => p['Properties'].PolicyDocument.Statement as { Action: string | string[] }[]);
  expect(statements.flatMap((st) => [st.Action].flat())).toEqual(expect.arrayContaining(['ssmmessages:CreateControlChannel', 'ssmmessages:OpenDataChannel']));
});
