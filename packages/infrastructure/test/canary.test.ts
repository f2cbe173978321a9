/**
 * The canary and the alarm topic in the synthesized template (issue 29): the schedule and its
 * target; the function (the release hook's bundle, outside the VPC) and its least-privilege
 * role; the two-runs-in-a-row alarm; the release hook's FAILED alarm; every alarm of the stack
 * notifying the one topic; the dashboard widget. Twice: the fixture (gate secret, new topic)
 * and a configuration without a secret that notifies an existing topic and an address.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { CANARY_METRICS } from '../src/canary/metrics.js';
import { FIXTURE_GATE_SECRET_ARN, synthesize, type Synthesized } from './support/fixture.js';

type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: string[] };

const EXISTING_TOPIC = 'arn:aws:sns:eu-west-1:111122223333:ops-pager';

let fixture: Synthesized;
let variant: Synthesized;
beforeAll(() => {
  fixture = synthesize();
  variant = synthesize({
    hostedZoneId: 'Z0123456789EXAMPLE',
    region: 'eu-west-1',
    canaryIntervalMinutes: '10',
    alarmTopicArn: EXISTING_TOPIC,
    alarmEmail: 'oncall@example.test',
  });
});
afterAll(() => {
  fixture?.dispose();
  variant?.dispose();
});

const resources = (template: Template, type: string) => Object.entries(template.findResources(type)) as [string, Resource][];
const canaryFunction = (template: Template): [string, Resource] => {
  const found = resources(template, 'AWS::Lambda::Function').filter(([, f]) => f.Properties['Handler'] === 'index.canary');
  expect(found).toHaveLength(1);
  return found[0]!;
};
const statementsOf = (template: Template, roleId: string) => resources(template, 'AWS::IAM::Policy')
  .filter(([, p]) => (p.Properties['Roles'] as { Ref: string }[]).some((r) => r.Ref === roleId))
  .flatMap(([, p]) => p.Properties['PolicyDocument'].Statement as Record<string, any>[]);

describe('the schedule', () => {
  it('invokes the canary every 5 minutes by default, and at the configured interval otherwise', () => {
    for (const [template, rate] of [[fixture.template, 'rate(5 minutes)'], [variant.template, 'rate(10 minutes)']] as const) {
      const [functionId] = canaryFunction(template);
      const rules = resources(template, 'AWS::Events::Rule');
      expect(rules).toHaveLength(1);
      const rule = rules[0]![1].Properties;
      expect(rule['ScheduleExpression']).toBe(rate);
      expect(rule['State']).toBe('ENABLED');
      expect(rule['Targets']).toEqual([expect.objectContaining({ Arn: { 'Fn::GetAtt': [functionId, 'Arn'] }, RetryPolicy: expect.objectContaining({ MaximumRetryAttempts: 0 }) })]);
      // EventBridge may invoke this function, from this rule only.
      const permissions = resources(template, 'AWS::Lambda::Permission').filter(([, p]) => JSON.stringify(p.Properties['FunctionName']).includes(functionId));
      expect(permissions.map(([, p]) => p.Properties)).toEqual([expect.objectContaining({
        Action: 'lambda:InvokeFunction', Principal: 'events.amazonaws.com', SourceArn: { 'Fn::GetAtt': [rules[0]![0], 'Arn'] },
      })]);
    }
  });
});

describe('the canary function', () => {
  it('runs the release hook\'s bundle (entry index.canary), outside the VPC, one run at a time', () => {
    const [, canary] = canaryFunction(fixture.template);
    const [, hook] = resources(fixture.template, 'AWS::Lambda::Function').find(([, f]) => f.Properties['Handler'] === 'index.handler')!;
    expect(canary.Properties['Code']).toEqual(hook.Properties['Code']);
    // Not through the NAT gateways, which the test rule sends to green: it sees what users see.
    expect(canary.Properties['VpcConfig']).toBeUndefined();
    expect(canary.Properties['ReservedConcurrentExecutions']).toBe(1);
    expect(canary.Properties['Timeout']).toBeLessThan(5 * 60);
    expect(canary.Properties['Environment'].Variables).toEqual({
      GATE_URL: 'https://mcp.neonpanel.com',
      GATE_TIMEOUT_MS: '5000',
      CANARY_METRICS_NAMESPACE: 'NeonPanelMcp',
      GATE_TOKEN_SECRET_ARN: FIXTURE_GATE_SECRET_ARN,
      GATE_SCOPE_PROBE_TOOL: 'neonpanel_import_pdf',
      GATE_AUTH_MODE: 'broker',
    });
    expect(variant.template.toJSON()['Resources'][canaryFunction(variant.template)[0]].Properties['Environment'].Variables)
      .not.toHaveProperty('GATE_TOKEN_SECRET_ARN');
  });

  it('drops a run it cannot start instead of queueing it behind the next', () => {
    const [functionId] = canaryFunction(fixture.template);
    const [, config] = resources(fixture.template, 'AWS::Lambda::EventInvokeConfig').find(([, c]) => JSON.stringify(c.Properties['FunctionName']).includes(functionId))!;
    expect(config.Properties).toEqual(expect.objectContaining({ MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 300 }));
  });

  it('may write its logs, PutMetricData in the gateway namespace only, and read (and write back) the gate secret only when there is one', () => {
    for (const [template, secret] of [[fixture.template, true], [variant.template, false]] as const) {
      const [, fn] = canaryFunction(template);
      const roleId = fn.Properties['Role']['Fn::GetAtt'][0] as string;
      expect(template.toJSON()['Resources'][roleId].Properties['ManagedPolicyArns']).toBeUndefined();
      const logGroupId = fn.Properties['LoggingConfig'].LogGroup.Ref as string;
      expect(statementsOf(template, roleId).map((s) => ({ actions: [s['Action']].flat().sort(), resource: s['Resource'], condition: s['Condition'] }))).toEqual([
        { actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] }, condition: undefined },
        { actions: ['cloudwatch:PutMetricData'], resource: '*', condition: { StringEquals: { 'cloudwatch:namespace': 'NeonPanelMcp' } } },
        ...(secret ? [{ actions: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'], resource: FIXTURE_GATE_SECRET_ARN, condition: undefined }] : []),
      ]);
    }
  });
});

describe('alarms', () => {
  it('raise the canary alarm when two runs in a row failed a case', () => {
    const [, alarm] = resources(fixture.template, 'AWS::CloudWatch::Alarm').find(([, a]) => a.Properties['AlarmName'].endsWith('-canary-failing'))!;
    expect(alarm.Properties).toEqual(expect.objectContaining({
      Namespace: 'NeonPanelMcp',
      MetricName: CANARY_METRICS.casesFailed,
      Statistic: 'Maximum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
    }));
  });

  it('raise the release-hook alarm on a FAILED verdict in the hook\'s log group', () => {
    const [, hook] = resources(fixture.template, 'AWS::Lambda::Function').find(([, f]) => f.Properties['Handler'] === 'index.handler')!;
    const [, filter] = resources(fixture.template, 'AWS::Logs::MetricFilter')[0]!;
    expect(filter.Properties['LogGroupName']).toEqual(hook.Properties['LoggingConfig'].LogGroup);
    expect(filter.Properties['FilterPattern']).toBe('"release-gate-verdict" "FAILED"');
    expect(filter.Properties['MetricTransformations']).toEqual([expect.objectContaining({ MetricNamespace: 'NeonPanelMcp', MetricName: 'ReleaseHookFailed', MetricValue: '1' })]);
    const [, alarm] = resources(fixture.template, 'AWS::CloudWatch::Alarm').find(([, a]) => a.Properties['AlarmName'].endsWith('-release-hook-failed'))!;
    expect(alarm.Properties).toEqual(expect.objectContaining({ MetricName: 'ReleaseHookFailed', Statistic: 'Sum', Threshold: 1, EvaluationPeriods: 1 }));
  });

  it('every one of them notifies the stack\'s topic, on ALARM and on OK', () => {
    const topics = resources(fixture.template, 'AWS::SNS::Topic');
    expect(topics).toHaveLength(1);
    const topic = { Ref: topics[0]![0] };
    const alarms = resources(fixture.template, 'AWS::CloudWatch::Alarm');
    expect(alarms.map(([, a]) => a.Properties['AlarmName'].replace(/^NeonPanelMcpGateway-/, '')).sort()).toEqual([
      '5xx', 'auth-failure-spike', 'canary-failing', 'latency', 'neonpanel-error-rate', 'release-hook-failed', 'unhealthy-hosts',
    ]);
    for (const [, alarm] of alarms) {
      expect(alarm.Properties['AlarmActions']).toEqual([topic]);
      expect(alarm.Properties['OKActions']).toEqual([topic]);
    }
  });

  it('notify an existing topic by ARN instead, with the address subscribed to it, and create none', () => {
    expect(resources(variant.template, 'AWS::SNS::Topic')).toEqual([]);
    const alarms = resources(variant.template, 'AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThanOrEqual(5);
    for (const [, alarm] of alarms) expect(alarm.Properties['AlarmActions']).toEqual([EXISTING_TOPIC]);
    expect(resources(variant.template, 'AWS::SNS::Subscription').map(([, s]) => s.Properties)).toEqual([
      expect.objectContaining({ Protocol: 'email', Endpoint: 'oncall@example.test', TopicArn: EXISTING_TOPIC }),
    ]);
  });

  it('raise the latency alarm on a slow p95 target response time, notifying only', () => {
    const [, alarm] = resources(fixture.template, 'AWS::CloudWatch::Alarm').find(([, a]) => a.Properties['AlarmName'].endsWith('-latency'))!;
    expect(alarm.Properties).toEqual(expect.objectContaining({
      Namespace: 'AWS/ApplicationELB', MetricName: 'TargetResponseTime', ExtendedStatistic: 'p95', Period: 300, Threshold: 5, EvaluationPeriods: 3,
    }));
  });

  it('keep the deployment alarms rolling a deployment back', () => {
    const [, service] = resources(fixture.template, 'AWS::ECS::Service')[0]!;
    const names = service.Properties['DeploymentConfiguration'].Alarms.AlarmNames as unknown[];
    const deploymentAlarms = resources(fixture.template, 'AWS::CloudWatch::Alarm').filter(([id]) => names.some((n) => JSON.stringify(n).includes(id)));
    expect(deploymentAlarms).toHaveLength(2);
    expect(service.Properties['DeploymentConfiguration'].Alarms.Rollback).toBe(true);
  });
});

describe('the alarm topic', () => {
  it('is encrypted with a rotating key CloudWatch may use, and takes TLS only', () => {
    const [, topic] = resources(fixture.template, 'AWS::SNS::Topic')[0]!;
    const [keyId, key] = resources(fixture.template, 'AWS::KMS::Key')[0]!;
    expect(topic.Properties['KmsMasterKeyId']).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    expect(key.Properties['EnableKeyRotation']).toBe(true);
    expect(key.Properties['KeyPolicy'].Statement).toContainEqual(expect.objectContaining({
      Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    }));
    const [, policy] = resources(fixture.template, 'AWS::SNS::TopicPolicy')[0]!;
    expect(JSON.stringify(policy.Properties['PolicyDocument'])).toContain('aws:SecureTransport');
    const outputs = fixture.template.toJSON()['Outputs'] as Record<string, { Value: unknown }>;
    expect(outputs['AlarmTopicArn']!.Value).toEqual({ Ref: resources(fixture.template, 'AWS::SNS::Topic')[0]![0] });
  });
});

describe('the dashboard', () => {
  it('has a canary widget: cases failed and the p50 request time', () => {
    const [, dashboard] = resources(fixture.template, 'AWS::CloudWatch::Dashboard')[0]!;
    const body = JSON.stringify(dashboard.Properties['DashboardBody']);
    expect(body).toContain('Canary: cases failed');
    expect(body).toContain(CANARY_METRICS.casesFailed);
    expect(body).toContain(CANARY_METRICS.latency);
  });

  it('publishes the canary\'s log group for `ops status`', () => {
    const outputs = fixture.template.toJSON()['Outputs'] as Record<string, { Value: unknown }>;
    const [, fn] = canaryFunction(fixture.template);
    expect(outputs['CanaryLogGroup']!.Value).toEqual(fn.Properties['LoggingConfig'].LogGroup);
  });
});
