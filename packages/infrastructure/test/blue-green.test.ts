/**
 * The blue/green release (issue 15): ECS native blue/green with the auth matrix as a lifecycle
 * hook. Strategy and bake time; two target groups; the test rule and its restriction; the hook
 * function, its roles (least privilege) and its bundle; the alarms and circuit breaker still on.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { OPTIONAL_OUTPUT_KEYS } from '../lib/outputs.js';
import { PRODUCTION_RULE_PRIORITY, TEST_RULE_PRIORITY } from '../lib/constructs/public-endpoint.js';
import { FIXTURE_GATE_SECRET_ARN, synthesize, type Synthesized } from './support/fixture.js';

type Resource = { Type: string; Properties: Record<string, any> };

let synth: Synthesized;
let template: Template;
beforeAll(() => {
  synth = synthesize();
  template = synth.template;
});
afterAll(() => synth?.dispose());

const resources = (type: string) => Object.entries(template.findResources(type)) as [string, Resource][];
const one = (type: string, match: (r: Resource, id: string) => boolean = () => true): [string, Resource] => {
  const found = resources(type).filter(([id, r]) => match(r, id));
  expect(found).toHaveLength(1);
  return found[0]!;
};
const service = () => one('AWS::ECS::Service')[1];
const rule = (priority: number) => one('AWS::ElasticLoadBalancingV2::ListenerRule', (r) => r.Properties['Priority'] === priority)[1];
/** The release hook's function (the canary's, `index.canary`, shares the bundle: canary.test.ts). */
const isHook = (r: Resource) => r.Properties['Handler'] === 'index.handler';
const hookFunction = () => one('AWS::Lambda::Function', isHook)[1];
const roleOf = (arn: { 'Fn::GetAtt': [string, string] }) => template.toJSON()['Resources'][arn['Fn::GetAtt'][0]] as Resource;
const statementsOf = (roleId: string) => resources('AWS::IAM::Policy')
  .filter(([, p]) => (p.Properties['Roles'] as { Ref: string }[]).some((r) => r.Ref === roleId))
  .flatMap(([, p]) => p.Properties['PolicyDocument'].Statement as Record<string, any>[]);

describe('the service', () => {
  it('deploys blue/green with the configured bake time', () => {
    const config = service().Properties['DeploymentConfiguration'];
    expect(config.Strategy).toBe('BLUE_GREEN');
    expect(config.BakeTimeInMinutes).toBe(15);
  });

  it('keeps the circuit breaker and the deployment alarms, both rolling back', () => {
    const config = service().Properties['DeploymentConfiguration'];
    expect(config.DeploymentCircuitBreaker).toEqual({ Enable: true, Rollback: true });
    expect(config.Alarms).toEqual(expect.objectContaining({ Enable: true, Rollback: true }));
    expect(config.Alarms.AlarmNames).toHaveLength(2);
  });

  it('has two target groups, blue (primary) and green (alternate), and the rules ECS rewrites', () => {
    const groups = resources('AWS::ElasticLoadBalancingV2::TargetGroup').map(([id]) => id);
    expect(groups).toHaveLength(2);
    const [lb] = service().Properties['LoadBalancers'];
    const [testRuleId] = one('AWS::ElasticLoadBalancingV2::ListenerRule', (r) => r.Properties['Priority'] === TEST_RULE_PRIORITY);
    const [productionRuleId] = one('AWS::ElasticLoadBalancingV2::ListenerRule', (r) => r.Properties['Priority'] === PRODUCTION_RULE_PRIORITY);
    expect([lb.TargetGroupArn.Ref, lb.AdvancedConfiguration.AlternateTargetGroupArn.Ref].sort()).toEqual(groups.sort());
    expect(lb.AdvancedConfiguration.ProductionListenerRule).toEqual({ Ref: productionRuleId });
    expect(lb.AdvancedConfiguration.TestListenerRule).toEqual({ Ref: testRuleId });
    // ECS moves traffic with a role it assumes, holding AWS's policy for exactly that.
    const trafficRole = roleOf(lb.AdvancedConfiguration.RoleArn);
    expect(trafficRole.Properties['AssumeRolePolicyDocument'].Statement[0].Principal).toEqual({ Service: 'ecs.amazonaws.com' });
    expect(JSON.stringify(trafficRole.Properties['ManagedPolicyArns'])).toContain('AmazonECSInfrastructureRolePolicyForLoadBalancers');
  });

  it('runs the release hook at POST_TEST_TRAFFIC_SHIFT, and only there', () => {
    const [hookId] = one('AWS::Lambda::Function', isHook);
    expect(service().Properties['DeploymentConfiguration'].LifecycleHooks).toEqual([{
      HookTargetArn: { 'Fn::GetAtt': [hookId, 'Arn'] },
      LifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'],
      RoleArn: expect.objectContaining({ 'Fn::GetAtt': expect.any(Array) }),
    }]);
  });
});

describe('scaling', () => {
  const policies = () => resources('AWS::ApplicationAutoScaling::ScalingPolicy').map(([, p]) => p.Properties['TargetTrackingScalingPolicyConfiguration']);

  it('tracks CPU, and the load balancer\'s requests per running task: metrics no target-group swap changes', () => {
    expect(policies()).toHaveLength(2);
    expect(policies().some((c) => c.PredefinedMetricSpecification?.PredefinedMetricType === 'ECSServiceAverageCPUUtilization')).toBe(true);
    // ECS blue/green refuses ALBRequestCountPerTarget: it names the target group being swapped.
    expect(JSON.stringify(policies())).not.toContain('ALBRequestCountPerTarget');
    const requests = policies().find((c) => c.CustomizedMetricSpecification)!;
    expect(requests.TargetValue).toBe(1000);
    const queries = requests.CustomizedMetricSpecification.Metrics as Record<string, any>[];
    const [lbId] = one('AWS::ElasticLoadBalancingV2::LoadBalancer');
    const [serviceId] = one('AWS::ECS::Service');
    expect(queries.find((q) => q.Id === 'requests')!['MetricStat']).toEqual({
      Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'RequestCount', Dimensions: [{ Name: 'LoadBalancer', Value: { 'Fn::GetAtt': [lbId, 'LoadBalancerFullName'] } }] },
      Stat: 'Sum',
    });
    expect(queries.find((q) => q.Id === 'tasks')!['MetricStat'].Metric).toEqual(expect.objectContaining({
      Namespace: 'ECS/ContainerInsights',
      MetricName: 'RunningTaskCount',
      Dimensions: expect.arrayContaining([{ Name: 'ServiceName', Value: { 'Fn::GetAtt': [serviceId, 'Name'] } }]),
    }));
    expect(queries.filter((q) => q.ReturnData)).toEqual([expect.objectContaining({ Expression: 'requests / tasks' })]);
  });

  it('scales the service\'s own scalable target', () => {
    const [targetId] = one('AWS::ApplicationAutoScaling::ScalableTarget');
    for (const [, p] of resources('AWS::ApplicationAutoScaling::ScalingPolicy')) expect(p.Properties['ScalingTargetId']).toEqual({ Ref: targetId });
  });
});

describe('the test rule', () => {
  it('is evaluated before the production rule, on the HTTPS listener (the origin the matrix checks)', () => {
    const https = one('AWS::ElasticLoadBalancingV2::Listener', (r) => r.Properties['Port'] === 443)[0];
    expect(rule(TEST_RULE_PRIORITY).Properties['ListenerArn']).toEqual({ Ref: https });
    expect(rule(PRODUCTION_RULE_PRIORITY).Properties['ListenerArn']).toEqual({ Ref: https });
    expect(TEST_RULE_PRIORITY).toBeLessThan(PRODUCTION_RULE_PRIORITY);
    expect(rule(PRODUCTION_RULE_PRIORITY).Properties['Conditions']).toEqual([{ Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } }]);
  });

  it('admits only the VPC\'s own NAT gateway addresses (/32 each), so nothing outside the VPC reaches green early', () => {
    const conditions = rule(TEST_RULE_PRIORITY).Properties['Conditions'] as Record<string, any>[];
    expect(conditions).toHaveLength(1);
    expect(conditions[0]!['Field']).toBe('source-ip');
    const eips = resources('AWS::EC2::EIP').map(([id]) => id).sort();
    const natAllocations = resources('AWS::EC2::NatGateway').map(([, r]) => r.Properties['AllocationId']['Fn::GetAtt'][0]).sort();
    expect(natAllocations).toEqual(eips);
    expect(conditions[0]!['SourceIpConfig'].Values).toEqual(eips.map((id) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [id, 'PublicIp'] }, '/32']] })));
  });

  it('forwards (both rules, blue at 100 and green at 0 until ECS moves them): no fixed responses on the listener', () => {
    for (const priority of [TEST_RULE_PRIORITY, PRODUCTION_RULE_PRIORITY]) {
      const [action] = rule(priority).Properties['Actions'];
      expect(action.Type).toBe('forward');
      expect(action.ForwardConfig.TargetGroups.map((t: { Weight: number }) => t.Weight)).toEqual([100, 0]);
    }
    const https = one('AWS::ElasticLoadBalancingV2::Listener', (r) => r.Properties['Port'] === 443)[1];
    expect(https.Properties['DefaultActions'].map((a: { Type: string }) => a.Type)).toEqual(['forward']);
  });
});

describe('the release hook', () => {
  it('runs the bundled matrix from dist/release-hook against the public URL, in the private subnets', () => {
    const fn = hookFunction().Properties;
    expect(fn['Handler']).toBe('index.handler');
    expect(fn['Runtime']).toMatch(/^nodejs\d+\.x$/);
    expect(fn['Environment'].Variables).toEqual({
      GATE_URL: 'https://mcp.neonpanel.com',
      GATE_TIMEOUT_MS: '5000',
      GATE_MAX_ATTEMPTS: '4',
      GATE_RETRY_DELAY_SECONDS: '30',
      GATE_TOKEN_SECRET_ARN: FIXTURE_GATE_SECRET_ARN,
      GATE_SCOPE_PROBE_TOOL: 'neonpanel_import_pdf',
      GATE_AUTH_MODE: 'broker',
    });
    const privateSubnets = resources('AWS::EC2::Subnet')
      .filter(([, s]) => (s.Properties['Tags'] as { Key: string; Value: string }[]).some((t) => t.Key === 'aws-cdk:subnet-type' && t.Value === 'Private'))
      .map(([id]) => ({ Ref: id }));
    expect(fn['VpcConfig'].SubnetIds).toEqual(privateSubnets);
    expect(fn['VpcConfig'].Ipv6AllowedForDualStack).toBe(false);
    // Its timeout leaves room for a whole matrix; ECS retries an unreachable green after 30 s.
    expect(fn['Timeout']).toBe(300);

    const assets = JSON.parse(readFileSync(path.join(synth.outdir, `${synth.stack.artifactId}.assets.json`), 'utf8')) as {
      files: Record<string, { source: { path: string; packaging?: string } }>;
    };
    const hash = (fn['Code'].S3Key as string).replace(/\.zip$/, '');
    const source = assets.files[hash]!.source;
    expect(source.packaging).toBe('zip');
    const bundleDir = path.join(synth.outdir, source.path);
    expect(readFileSync(path.join(bundleDir, 'index.mjs'), 'utf8')).toContain('release-gate-verdict');
  });

  it('may only send HTTPS out', () => {
    const [sgRef] = hookFunction().Properties['VpcConfig'].SecurityGroupIds;
    const sg = template.toJSON()['Resources'][sgRef['Fn::GetAtt'][0]] as Resource;
    expect(sg.Properties['SecurityGroupEgress']).toEqual([expect.objectContaining({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 })]);
    expect(sg.Properties['SecurityGroupIngress']).toBeUndefined();
  });

  it('runs as a role that can write its logs, manage its network interfaces and read and write back the gate secret: nothing more', () => {
    const roleId = hookFunction().Properties['Role']['Fn::GetAtt'][0] as string;
    const role = template.toJSON()['Resources'][roleId] as Resource;
    expect(role.Properties['ManagedPolicyArns']).toBeUndefined();
    const [logGroupId] = one('AWS::Logs::LogGroup', (_r, id) => id.startsWith('ReleaseHookLogs'));
    const statements = statementsOf(roleId).map((s) => ({ actions: [s['Action']].flat().sort(), resource: s['Resource'] }));
    expect(statements).toEqual([
      { actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] } },
      { actions: ['ec2:AssignPrivateIpAddresses', 'ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets', 'ec2:UnassignPrivateIpAddresses'], resource: '*' },
      // Write too: a broker grant's rotated refresh token goes back into the secret.
      { actions: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'], resource: FIXTURE_GATE_SECRET_ARN },
    ]);
  });

  it('is invoked by ECS through a role that may invoke this function and nothing else', () => {
    const hook = service().Properties['DeploymentConfiguration'].LifecycleHooks[0];
    const invokeRoleId = hook.RoleArn['Fn::GetAtt'][0] as string;
    const invokeRole = template.toJSON()['Resources'][invokeRoleId] as Resource;
    expect(invokeRole.Properties['AssumeRolePolicyDocument'].Statement).toEqual([
      expect.objectContaining({ Action: 'sts:AssumeRole', Principal: { Service: 'ecs.amazonaws.com' } }),
    ]);
    expect(invokeRole.Properties['ManagedPolicyArns']).toBeUndefined();
    expect(statementsOf(invokeRoleId)).toEqual([expect.objectContaining({ Action: 'lambda:InvokeFunction', Resource: hook.HookTargetArn })]);
  });

  it('publishes its log group and the strategy for the operator tools', () => {
    const outputs = template.toJSON()['Outputs'] as Record<string, { Value: unknown }>;
    const [logGroupId] = one('AWS::Logs::LogGroup', (_r, id) => id.startsWith('ReleaseHookLogs'));
    expect(outputs[OPTIONAL_OUTPUT_KEYS.deploymentStrategy]!.Value).toBe('BLUE_GREEN');
    expect(outputs[OPTIONAL_OUTPUT_KEYS.releaseHookLogGroup]!.Value).toEqual({ Ref: logGroupId });
    expect(outputs[OPTIONAL_OUTPUT_KEYS.releaseHookFunction]!.Value).toEqual({ Ref: one('AWS::Lambda::Function', isHook)[0] });
  });
});
