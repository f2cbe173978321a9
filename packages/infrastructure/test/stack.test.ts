/**
 * The synthesized gateway stack, property by property (issue 7: parameters, network, ALB,
 * certificate and DNS, target group, Fargate service, observability, outputs).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { Token } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { repositoryRoot } from '../lib/paths.js';
import { OUTPUT_KEYS } from '../lib/outputs.js';
import { finalStage } from './support/dockerfile.js';
import { FIXTURE_CONTEXT, FIXTURE_SECRET_ARN, synthesize, type Synthesized } from './support/fixture.js';

type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: string[] };

let synth: Synthesized;
let template: Template;

beforeAll(() => {
  synth = synthesize();
  template = synth.template;
});
afterAll(() => synth?.dispose());

function only(type: string): [string, Resource] {
  const found = Object.entries(template.findResources(type)) as [string, Resource][];
  expect(found).toHaveLength(1);
  return found[0]!;
}

function container(): Record<string, any> {
  const [, task] = only('AWS::ECS::TaskDefinition');
  const defs = task.Properties['ContainerDefinitions'] as Record<string, any>[];
  // The gateway, and the telemetry collector sidecar (telemetry.test.ts).
  expect(defs.map((d) => d['Name'])).toEqual(['gateway', 'otel-collector']);
  return defs[0]!;
}

function environment(): Record<string, string> {
  return Object.fromEntries((container()['Environment'] as { Name: string; Value: string }[]).map((e) => [e.Name, e.Value]));
}

function lbAttributes(): Record<string, string> {
  const [, lb] = only('AWS::ElasticLoadBalancingV2::LoadBalancer');
  return Object.fromEntries((lb.Properties['LoadBalancerAttributes'] as { Key: string; Value: string }[]).map((a) => [a.Key, a.Value]));
}

/** The target groups' attributes: blue and green are configured alike, so one answer for both. */
function tgAttributes(): Record<string, string> {
  const groups = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::TargetGroup')) as Resource[];
  expect(groups).toHaveLength(2);
  const [blue, green] = groups.map((tg) => Object.fromEntries((tg.Properties['TargetGroupAttributes'] as { Key: string; Value: string }[]).map((a) => [a.Key, a.Value])));
  expect(green).toEqual(blue);
  return blue!;
}

function listener(port: number): Resource {
  const all = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::Listener')) as Resource[];
  const match = all.filter((l) => l.Properties['Port'] === port);
  expect(match).toHaveLength(1);
  return match[0]!;
}

const refOf = (logicalId: string) => ({ Ref: logicalId });

describe('parameters', () => {
  it('has no account in it: the stack is account-agnostic and uses AWS::AccountId', () => {
    expect(Token.isUnresolved(synth.stack.account)).toBe(true);
    const text = JSON.stringify(template.toJSON());
    const accounts = new Set(text.match(/\b\d{12}\b/g) ?? []);
    // Only the configured secret's account, and AWS's own ELB log-delivery account for the region.
    expect([...accounts].sort()).toEqual(['111122223333', RegionInfo.get('eu-west-1').elbv2Account].sort());
    expect(text).toContain('AWS::AccountId');
  });

  it('deploys to the configured region', () => {
    expect(synth.stack.region).toBe('eu-west-1');
  });

  it('gives the container the upstream API, issuer, JWKS, audience and scopes under the server\'s names', () => {
    expect(environment()).toEqual(expect.objectContaining({
      NODE_ENV: 'production',
      PUBLIC_BASE_URL: 'https://mcp.neonpanel.com',
      NEONPANEL_API_BASE: 'https://api.example.test',
      OAUTH_ISSUER: 'https://auth.example.test',
      OAUTH_JWKS_URI: 'https://auth.example.test/keys',
      OAUTH_AUDIENCE: 'https://mcp.neonpanel.com,https://mcp.neonpanel.com/mcp,https://mcp.neonpanel.com/sse,neonpanel-mcp',
      OAUTH_SCOPES: 'read:inventory read:analytics',
      OAUTH_INTROSPECTION_URL: 'https://auth.example.test/introspect',
      OAUTH_CLIENT_ID: 'neonpanel-mcp',
      TRUST_PROXY: '1',
      LOG_LEVEL: 'info',
    }));
  });

  it('uses only variable names the server reads', () => {
    const serverConfig = readFileSync(path.join(repositoryRoot(), 'packages/server/src/config.ts'), 'utf8');
    const schema = serverConfig.slice(serverConfig.indexOf('const EnvSchema'), serverConfig.indexOf('});', serverConfig.indexOf('const EnvSchema')));
    const known = new Set([...schema.matchAll(/^\s+([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]));
    expect(known.size).toBeGreaterThan(20);
    const names = [...Object.keys(environment()), ...(container()['Secrets'] as { Name: string }[]).map((s) => s.Name)];
    expect(names.filter((n) => !known.has(n))).toEqual([]);
  });

  it('sizes the service from the desired, minimum and maximum task counts', () => {
    template.hasResourceProperties('AWS::ECS::Service', { DesiredCount: 3 });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 2,
      MaxCapacity: 8,
      ScalableDimension: 'ecs:service:DesiredCount',
    });
  });

  it('sizes the task from cpu and memory', () => {
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: '1024', Memory: '2048', RequiresCompatibilities: ['FARGATE'] });
  });

  it('keeps application logs for the configured retention, under a name CloudFormation derives from the stack', () => {
    const logGroupId = (container()['LogConfiguration'].Options['awslogs-group'] as { Ref: string }).Ref;
    const logGroup = template.toJSON()['Resources'][logGroupId] as Resource;
    // No fixed name: the group is retained on destroy, and a fixed name would make the next
    // deployment fail with "already exists".
    expect(logGroup.Properties).not.toHaveProperty('LogGroupName');
    expect(logGroup.Properties['RetentionInDays']).toBe(90);
    expect((template.toJSON()['Outputs'] as Record<string, { Value: unknown }>)['GatewayLogGroup']!.Value).toEqual(refOf(logGroupId));
    expect(container()['LogConfiguration']).toEqual(expect.objectContaining({
      LogDriver: 'awslogs',
      Options: expect.objectContaining({ 'awslogs-group': refOf(logGroupId!), mode: 'non-blocking' }),
    }));
  });
});

describe('network', () => {
  it('runs tasks in private subnets without public addresses', () => {
    const [, service] = only('AWS::ECS::Service');
    const vpcConfig = service.Properties['NetworkConfiguration'].AwsvpcConfiguration;
    expect(vpcConfig.AssignPublicIp).toBe('DISABLED');
    const subnets = template.findResources('AWS::EC2::Subnet');
    const used = (vpcConfig.Subnets as { Ref: string }[]).map((s) => s.Ref);
    expect(used).toHaveLength(2);
    for (const id of used) {
      const tags = subnets[id]!['Properties'].Tags as { Key: string; Value: string }[];
      expect(tags).toContainEqual({ Key: 'aws-cdk:subnet-type', Value: 'Private' });
      expect(subnets[id]!['Properties'].MapPublicIpOnLaunch).toBe(false);
    }
  });

  it('spans two zones without a lookup (Fn::GetAZs)', () => {
    const zones = Object.values(template.findResources('AWS::EC2::Subnet')).map((s) => JSON.stringify(s['Properties'].AvailabilityZone));
    expect(new Set(zones).size).toBe(2);
    for (const zone of zones) expect(zone).toContain('Fn::GetAZs');
  });

  it('logs VPC flows', () => {
    template.resourceCountIs('AWS::EC2::FlowLog', 1);
  });

  it('lets only the load balancer reach the tasks, on the container port', () => {
    const [, service] = only('AWS::ECS::Service');
    const [taskSg] = service.Properties['NetworkConfiguration'].AwsvpcConfiguration.SecurityGroups as { 'Fn::GetAtt': [string, string] }[];
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
      .filter((r) => JSON.stringify(r['Properties'].GroupId) === JSON.stringify(taskSg));
    expect(ingress).toHaveLength(1);
    expect(ingress[0]!['Properties']).toEqual(expect.objectContaining({ FromPort: 3030, ToPort: 3030, IpProtocol: 'tcp' }));
    expect(ingress[0]!['Properties'].SourceSecurityGroupId).toBeDefined();
  });
});

describe('load balancer', () => {
  it('listens on HTTPS 443 with a TLS 1.3/1.2 policy and the certificate', () => {
    const [certId] = only('AWS::CertificateManager::Certificate');
    const https = listener(443);
    expect(https.Properties['Protocol']).toBe('HTTPS');
    expect(https.Properties['SslPolicy']).toBe('ELBSecurityPolicy-TLS13-1-2-2021-06');
    expect(https.Properties['Certificates']).toEqual([{ CertificateArn: refOf(certId) }]);
  });

  it('redirects HTTP to HTTPS permanently', () => {
    const http = listener(80);
    expect(http.Properties['Protocol']).toBe('HTTP');
    expect(http.Properties['DefaultActions']).toEqual([{
      Type: 'redirect',
      RedirectConfig: expect.objectContaining({ Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' }),
    }]);
  });

  it('is internet-facing and dual-stack', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internet-facing', IpAddressType: 'dualstack' });
  });

  it('keeps idle connections for an hour, for SSE, and tells the server the same', () => {
    expect(lbAttributes()['idle_timeout.timeout_seconds']).toBe('3600');
    expect(environment()['ALB_IDLE_TIMEOUT_SECONDS']).toBe('3600');
  });

  it('drops invalid header fields', () => {
    expect(lbAttributes()['routing.http.drop_invalid_header_fields.enabled']).toBe('true');
  });

  it('writes access logs to an encrypted, private bucket', () => {
    const [bucketId, bucket] = only('AWS::S3::Bucket');
    const attributes = lbAttributes();
    expect(attributes['access_logs.s3.enabled']).toBe('true');
    expect(template.toJSON()['Resources'][only('AWS::ElasticLoadBalancingV2::LoadBalancer')[0]].Properties.LoadBalancerAttributes)
      .toContainEqual({ Key: 'access_logs.s3.bucket', Value: refOf(bucketId) });
    expect(bucket.Properties['PublicAccessBlockConfiguration']).toEqual({
      BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
    });
    expect(JSON.stringify(bucket.Properties['BucketEncryption'])).toContain('AES256');
  });
});

describe('certificate and DNS', () => {
  it('validates the certificate by DNS in the hosted zone', () => {
    template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'mcp.neonpanel.com',
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: 'mcp.neonpanel.com', HostedZoneId: FIXTURE_CONTEXT.hostedZoneId }],
    });
  });

  it.each(['A', 'AAAA'])('points an alias %s record at the load balancer', (type) => {
    const [lbId] = only('AWS::ElasticLoadBalancingV2::LoadBalancer');
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Type: type,
      Name: 'mcp.neonpanel.com.',
      HostedZoneId: FIXTURE_CONTEXT.hostedZoneId,
      AliasTarget: {
        DNSName: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([{ 'Fn::GetAtt': [lbId, 'DNSName'] }])]) }),
        HostedZoneId: { 'Fn::GetAtt': [lbId, 'CanonicalHostedZoneID'] },
      },
    });
  });
});

describe('target group', () => {
  it('checks health on /healthz at the traffic port', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckPath: '/healthz',
      HealthCheckPort: 'traffic-port',
      Matcher: { HttpCode: '200' },
      TargetType: 'ip',
      Port: 3030,
    });
  });

  it('matches the deregistration delay to the server\'s drain deadline', () => {
    const drainMs = Number(environment()['SHUTDOWN_DRAIN_MS']);
    expect(drainMs).toBe(25_000);
    expect(tgAttributes()['deregistration_delay.timeout_seconds']).toBe(String(drainMs / 1000));
    // SIGKILL comes only after the drain has had its full deadline.
    expect(container()['StopTimeout']).toBe(drainMs / 1000 + 5);
  });

  it('spreads requests freely: with the shared store any task serves any session, so no stickiness', () => {
    expect(environment()['MCP_SESSION_MODE']).toBe('stateless');
    expect(tgAttributes()['stickiness.enabled']).not.toBe('true');
  });
});

describe('fargate service', () => {
  it('is built from the repository Dockerfile as an image asset', () => {
    const image = JSON.stringify(container()['Image']);
    expect(image).toContain('container-assets');
    const assets = JSON.parse(readFileSync(path.join(synth.outdir, `${synth.stack.artifactId}.assets.json`), 'utf8')) as {
      dockerImages: Record<string, { source: { directory: string; dockerFile?: string; platform?: string } }>;
    };
    const sources = Object.values(assets.dockerImages).map((d) => d.source);
    expect(sources).toHaveLength(1);
    expect(sources[0]).toEqual(expect.objectContaining({ dockerFile: 'Dockerfile', platform: 'linux/amd64' }));
  });

  it('rolls back failed deployments with the circuit breaker', () => {
    template.hasResourceProperties('AWS::ECS::Service', {
      DeploymentConfiguration: Match.objectLike({
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
        MinimumHealthyPercent: 100,
        MaximumPercent: 200,
      }),
    });
  });

  it('wires the 5xx and unhealthy-host alarms in as deployment alarms that roll back', () => {
    const [, service] = only('AWS::ECS::Service');
    const alarms = service.Properties['DeploymentConfiguration'].Alarms;
    expect(alarms.Enable).toBe(true);
    expect(alarms.Rollback).toBe(true);
    const alarmResources = template.findResources('AWS::CloudWatch::Alarm');
    const byName = (name: string) => Object.entries(alarmResources).find(([, a]) => a['Properties'].AlarmName === name);
    const errors = byName('NeonPanelMcpGateway-5xx');
    const unhealthy = byName('NeonPanelMcpGateway-unhealthy-hosts');
    expect(errors).toBeDefined();
    expect(unhealthy).toBeDefined();
    expect(alarms.AlarmNames).toEqual([refOf(errors![0]), refOf(unhealthy![0])]);
    // Both alarms watch blue and green: whichever target group the tasks are in.
    const targetGroupIds = Object.keys(template.findResources('AWS::ElasticLoadBalancingV2::TargetGroup')).sort();
    const watched = (alarm: Record<string, any>, metricName: string) => (alarm['Properties'].Metrics as Record<string, any>[])
      .filter((m) => m['MetricStat']?.Metric.MetricName === metricName)
      .map((m) => JSON.stringify(m['MetricStat'].Metric.Dimensions.find((d: { Name: string }) => d.Name === 'TargetGroup').Value));
    expect(watched(errors![1], 'HTTPCode_Target_5XX_Count').sort()).toEqual(targetGroupIds.map((id) => JSON.stringify({ 'Fn::GetAtt': [id, 'TargetGroupFullName'] })));
    expect(JSON.stringify(errors![1]['Properties'].Metrics)).toContain('HTTPCode_ELB_5XX_Count');
    expect(errors![1]['Properties'].Metrics[0].Expression).toBe('FILL(target5xx, 0) + FILL(target5xx1, 0) + FILL(elb5xx, 0)');
    expect(watched(unhealthy![1], 'UnHealthyHostCount').sort()).toEqual(targetGroupIds.map((id) => JSON.stringify({ 'Fn::GetAtt': [id, 'TargetGroupFullName'] })));
    expect(unhealthy![1]['Properties'].Metrics[0].Expression).toBe('MAX([FILL(unhealthy0, 0), FILL(unhealthy1, 0)])');
    expect(unhealthy![1]['Properties'].Threshold).toBe(1);
  });

  it('scales on CPU at its target (the request-count policy of blue/green: blue-green.test.ts)', () => {
    const policies = Object.values(template.findResources('AWS::ApplicationAutoScaling::ScalingPolicy'))
      .map((p) => p['Properties'].TargetTrackingScalingPolicyConfiguration)
      .filter((c) => c.PredefinedMetricSpecification);
    expect(policies.map((c) => c.PredefinedMetricSpecification.PredefinedMetricType)).toEqual(['ECSServiceAverageCPUUtilization']);
    expect(policies[0].TargetValue).toBe(60);
  });

  it('runs the container as a non-root user', () => {
    const user = container()['User'] as string;
    expect(user).toBe('1000:1000');
    expect(user.split(':')[0]).not.toMatch(/^(0|root)$/);
  });

  it('has a read-only root filesystem and a writable /tmp volume', () => {
    expect(container()['ReadonlyRootFilesystem']).toBe(true);
    expect(container()['MountPoints']).toEqual([{ ContainerPath: '/tmp', SourceVolume: 'tmp', ReadOnly: false }]);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { Volumes: [{ Name: 'tmp' }] });
  });

  it('takes the OAuth client secret from Secrets Manager, never from a plain variable', () => {
    expect(container()['Secrets']).toEqual(expect.arrayContaining([{ Name: 'OAUTH_CLIENT_SECRET', ValueFrom: FIXTURE_SECRET_ARN }]));
    expect(Object.keys(environment()).filter((n) => /SECRET|PASSWORD|TOKEN$/.test(n))).toEqual([]);
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).toContain('secretsmanager:GetSecretValue');
  });

  it('enables Container Insights', () => {
    template.hasResourceProperties('AWS::ECS::Cluster', {
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
    });
  });

  it('probes /healthz from the container too', () => {
    const command = container()['HealthCheck'].Command as string[];
    expect(command.slice(0, 2)).toEqual(['CMD', 'node']);
    expect(command.join(' ')).toContain('/healthz');
  });
});

describe('the image and the stack agree', () => {
  it('on the port: EXPOSE = container port = target port = PORT', () => {
    const stage = finalStage();
    expect(stage.expose).toHaveLength(1);
    const port = stage.expose[0];
    expect(container()['PortMappings']).toEqual([expect.objectContaining({ ContainerPort: port })]);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Port: port });
    expect(environment()['PORT']).toBe(String(port));
  });
});

describe('outputs', () => {
  it('exports the URL, cluster, service and task-definition family', () => {
    const outputs = template.toJSON()['Outputs'] as Record<string, { Value: unknown }>;
    const [clusterId] = only('AWS::ECS::Cluster');
    const [serviceId] = only('AWS::ECS::Service');
    expect(outputs[OUTPUT_KEYS.url]!.Value).toBe('https://mcp.neonpanel.com');
    expect(outputs[OUTPUT_KEYS.clusterName]!.Value).toEqual(refOf(clusterId));
    expect(outputs[OUTPUT_KEYS.serviceName]!.Value).toEqual({ 'Fn::GetAtt': [serviceId, 'Name'] });
    expect(outputs[OUTPUT_KEYS.taskDefinitionFamily]!.Value).toBe('neonpanel-mcp-gateway');
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { Family: 'neonpanel-mcp-gateway' });
  });
});

describe('shared state (ElastiCache Serverless, Valkey)', () => {
  it('runs a Valkey serverless cache in the private subnets, behind RBAC', () => {
    const [, cache] = only('AWS::ElastiCache::ServerlessCache');
    expect(cache.Properties['Engine']).toBe('valkey');
    const privateSubnets = Object.entries(template.findResources('AWS::EC2::Subnet'))
      .filter(([, r]) => (r['Properties'].Tags as { Key: string; Value: string }[]).some((t) => t.Key === 'aws-cdk:subnet-type' && t.Value === 'Private'))
      .map(([id]) => id);
    expect(privateSubnets).toHaveLength(2);
    expect((cache.Properties['SubnetIds'] as { Ref: string }[]).map((r) => r.Ref).sort()).toEqual(privateSubnets.sort());
    const [, group] = only('AWS::ElastiCache::UserGroup');
    expect(cache.Properties['UserGroupId']).toBe(group.Properties['UserGroupId']);
    const users = Object.values(template.findResources('AWS::ElastiCache::User')) as Resource[];
    expect(users.map((u) => u.Properties['UserName']).sort()).toEqual(['default', 'mcp-gateway']);
    const user = users.find((u) => u.Properties['UserName'] === 'mcp-gateway')!;
    expect((group.Properties['UserIds'] as string[]).sort()).toEqual(users.map((u) => u.Properties['UserId']).sort());
    expect(user.Properties['AuthenticationMode'].Type).toBe('password');
    expect(user.Properties['AccessString']).toBe('on ~mcp:* &mcp:* +@all -@dangerous');
    // The password is a Secrets Manager dynamic reference, never a literal in the template.
    expect(JSON.stringify(user.Properties['AuthenticationMode'].Passwords)).toContain('resolve:secretsmanager');
  });

  it('holds the `default` user CloudFormation requires, switched off and allowed nothing', () => {
    const [groupId, group] = only('AWS::ElastiCache::UserGroup');
    const users = Object.entries(template.findResources('AWS::ElastiCache::User')) as [string, Resource][];
    const [defaultId, defaultUser] = users.find(([, u]) => u.Properties['UserName'] === 'default')!;
    expect(defaultUser.Properties['AccessString']).toBe('off -@all');
    expect(defaultUser.Properties['Engine']).toBe('valkey');
    expect(group.Properties['UserIds']).toContain(defaultUser.Properties['UserId']);
    expect(template.toJSON()['Resources'][groupId].DependsOn).toContain(defaultId);
  });

  it('has usage limits on stored data and ECPUs, 5 GB and 10000 per second by default', () => {
    const [, cache] = only('AWS::ElastiCache::ServerlessCache');
    expect(cache.Properties['CacheUsageLimits']).toEqual({
      DataStorage: { Maximum: 5, Unit: 'GB' },
      ECPUPerSecond: { Maximum: 10_000 },
    });
  });

  it('is reachable only from the gateway tasks, on 6379', () => {
    const [, cache] = only('AWS::ElastiCache::ServerlessCache');
    const cacheSg = (cache.Properties['SecurityGroupIds'] as { 'Fn::GetAtt': [string, string] }[])[0]!;
    const [, service] = only('AWS::ECS::Service');
    const [taskSg] = service.Properties['NetworkConfiguration'].AwsvpcConfiguration.SecurityGroups as { 'Fn::GetAtt': [string, string] }[];
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
      .filter((r) => JSON.stringify(r['Properties'].GroupId) === JSON.stringify(cacheSg));
    expect(ingress).toHaveLength(1);
    expect(ingress[0]!['Properties']).toEqual(expect.objectContaining({ FromPort: 6379, ToPort: 6379, IpProtocol: 'tcp', SourceSecurityGroupId: taskSg }));
    const [, sg] = Object.entries(template.findResources('AWS::EC2::SecurityGroup')).find(([id]) => id === cacheSg['Fn::GetAtt'][0])!;
    expect(sg['Properties'].SecurityGroupIngress).toBeUndefined();
  });

  it('gives the container REDIS_URL over TLS with the user name only, and REDIS_PASSWORD from Secrets Manager', () => {
    const url = JSON.stringify(container()['Environment'].find((e: { Name: string }) => e.Name === 'REDIS_URL').Value);
    expect(url).toContain('rediss://mcp-gateway@');
    expect(url).not.toMatch(/mcp-gateway:/);
    const secret = (container()['Secrets'] as { Name: string; ValueFrom: unknown }[]).find((e) => e.Name === 'REDIS_PASSWORD');
    expect(JSON.stringify(secret?.ValueFrom)).toContain(':password::');
  });
});

describe('broker mode (the default)', () => {
  const BROKER_SECRET = 'neonpanel-mcp/NeonPanelMcpGateway/broker';

  it('runs AUTH_MODE=broker, and REDIS_MODE=cluster on the serverless cache', () => {
    expect(environment()).toEqual(expect.objectContaining({ AUTH_MODE: 'broker', REDIS_MODE: 'cluster' }));
  });

  it('injects the NeonPanel client and the broker keys from one secret, by name, key by key', () => {
    const secrets = Object.fromEntries((container()['Secrets'] as { Name: string; ValueFrom: unknown }[]).map((e) => [e.Name, JSON.stringify(e.ValueFrom)]));
    for (const key of ['NEONPANEL_CLIENT_ID', 'NEONPANEL_CLIENT_SECRET', 'BROKER_VAULT_KEY', 'BROKER_SIGNING_KEYS']) {
      expect(secrets[key]).toContain(`:secret:${BROKER_SECRET}:${key}::`);
      expect(environment()).not.toHaveProperty(key);
    }
  });

  it('lets the execution role read that secret and no other; the task role not at all', () => {
    const [, task] = only('AWS::ECS::TaskDefinition');
    const roleOf = (arn: { 'Fn::GetAtt': [string, string] }) => arn['Fn::GetAtt'][0];
    const policiesOf = (roleId: string) => Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => (p['Properties'].Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
      .flatMap((p) => p['Properties'].PolicyDocument.Statement as Record<string, any>[]);
    const brokerStatements = (roleId: string) => policiesOf(roleId).filter((st) => JSON.stringify(st['Resource']).includes(BROKER_SECRET));
    const execution = brokerStatements(roleOf(task.Properties['ExecutionRoleArn']));
    expect(execution).toHaveLength(1);
    expect([execution[0]!['Action']].flat().sort()).toEqual(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
    expect(JSON.stringify(execution[0]!['Resource'])).toContain(`:secret:${BROKER_SECRET}-??????`);
    expect(brokerStatements(roleOf(task.Properties['TaskRoleArn']))).toEqual([]);
  });

  it('outputs the callback URL to register at NeonPanel, exactly, and the secret\'s name', () => {
    const outputs = template.toJSON()['Outputs'] as Record<string, { Value: unknown }>;
    expect(outputs['NeonPanelCallbackUrl']!.Value).toBe('https://mcp.neonpanel.com/oauth/neonpanel/callback');
    expect(outputs['BrokerSecretName']!.Value).toBe(BROKER_SECRET);
  });
});
