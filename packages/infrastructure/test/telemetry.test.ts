/**
 * Telemetry in the stack: the ADOT collector sidecar (loopback OTLP in, EMF metrics and X-Ray
 * out), the server told to use it, the operations dashboard, and the two alarms with their
 * thresholds from config. Also: the metric names here are the server's.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { repositoryRoot } from '../lib/paths.js';
import { resolveConfig } from '../lib/config.js';
import { containerEnvironment } from '../lib/environment.js';
import { ALARMED_AUTH_REASONS, GATEWAY_LABELS, GATEWAY_METRICS, METRIC_DIMENSIONS, UPSTREAM_FAILURE_OUTCOMES } from '../lib/telemetry-metrics.js';
import { FIXTURE_CONTEXT, synthesize, type Synthesized } from './support/fixture.js';

type Resource = { Type: string; Properties: Record<string, any> };

let synth: Synthesized;
let template: Template;
beforeAll(() => {
  synth = synthesize({ ...FIXTURE_CONTEXT, authFailureAlarmThreshold: 75, upstreamErrorRateAlarmPercent: 15, upstreamErrorAlarmMinCalls: 30 });
  template = synth.template;
});
afterAll(() => synth?.dispose());

function containers(): Record<string, any>[] {
  const [task] = Object.values(template.findResources('AWS::ECS::TaskDefinition')) as Resource[];
  return task!.Properties['ContainerDefinitions'] as Record<string, any>[];
}
const byName = (name: string) => containers().find((c) => c['Name'] === name)!;
const env = (c: Record<string, any>) => Object.fromEntries((c['Environment'] as { Name: string; Value: unknown }[]).map((e) => [e.Name, e.Value]));

/** The collector config with the log group reference replaced by a marker. */
function collectorConfig(): Record<string, any> {
  const value = env(byName('otel-collector'))['AOT_CONFIG_CONTENT'] as { 'Fn::Join': [string, unknown[]] };
  const text = value['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'LOG_GROUP')).join('');
  return JSON.parse(text) as Record<string, any>;
}

describe('collector sidecar', () => {
  it('runs a pinned ADOT collector beside the gateway, not essential, before the gateway starts', () => {
    const collector = byName('otel-collector');
    expect(collector['Image']).toMatch(/^public\.ecr\.aws\/aws-observability\/aws-otel-collector:v\d+\.\d+\.\d+$/);
    expect(collector['Essential']).toBe(false);
    expect(collector['PortMappings']).toBeUndefined();
    expect(collector['ReadonlyRootFilesystem']).toBe(true);
    expect(byName('gateway')['DependsOn']).toEqual([{ ContainerName: 'otel-collector', Condition: 'START' }]);
  });

  it('tells the server to send OTLP to it on loopback', () => {
    expect(env(byName('gateway'))).toEqual(expect.objectContaining({ TELEMETRY: 'otlp', OTLP_ENDPOINT: 'http://127.0.0.1:4318' }));
  });

  it('receives on loopback only and exports metrics as EMF to the namespace, traces to X-Ray', () => {
    const config = collectorConfig();
    expect(config['receivers'].otlp.protocols.http.endpoint).toBe('127.0.0.1:4318');
    expect(config['exporters'].awsemf).toMatchObject({ namespace: 'NeonPanelMcp', log_group_name: 'LOG_GROUP', dimension_rollup_option: 'NoDimensionRollup' });
    expect(config['service'].pipelines.metrics.exporters).toEqual(['awsemf']);
    expect(config['service'].pipelines.traces.exporters).toEqual(['awsxray']);
    // Every metric is declared, with exactly the dimension sets the dashboard and alarms use.
    const declared = config['exporters'].awsemf.metric_declarations as { dimensions: string[][]; metric_name_selectors: string[] }[];
    declared.forEach((d, i) => {
      const selector = new RegExp(d.metric_name_selectors[0]!);
      expect(selector.test(METRIC_DIMENSIONS[i]!.metric)).toBe(true);
      // Anchored and with literal dots: no other metric matches by accident.
      expect(selector.test(METRIC_DIMENSIONS[i]!.metric.replace(/\./g, '_'))).toBe(false);
    });
    expect(declared.map((d) => d.dimensions)).toEqual(METRIC_DIMENSIONS.map((m) => m.dimensions));
  });

  it('lets the task write EMF logs to its own log group and send X-Ray segments, nothing more', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as Resource[];
    const statements = policies.flatMap((p) => p.Properties['PolicyDocument'].Statement as Record<string, any>[]);
    const xray = statements.filter((s) => [s['Action']].flat().some((a: string) => a.startsWith('xray:')));
    expect(xray).toHaveLength(1);
    expect([xray[0]!['Action']].flat().sort()).toEqual(['xray:GetSamplingRules', 'xray:GetSamplingTargets', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
  });
});

describe('dashboard', () => {
  it('has the graphs an operator needs, in order', () => {
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard')) as Resource[];
    const body = JSON.stringify(dashboard!.Properties['DashboardBody']);
    for (const title of [
      '1. Requests by route and era',
      '2. Auth failures by reason',
      '3. Tool calls that did not succeed, by outcome',
      '4. NeonPanel latency (s)',
      '4b. NeonPanel calls by outcome, and error rate (%)',
      '5. Open sessions and streams (all tasks)',
      '6. Task CPU and memory (%)',
    ]) expect(body).toContain(title);
    for (const name of Object.values(GATEWAY_METRICS)) expect(body).toContain(name);
    expect(body).toContain('CPUUtilization');
    expect(body).toContain('MemoryUtilization');
  });
});

describe('alarms', () => {
  it('auth failure spike: the alarmed reasons summed over 5 minutes, threshold from config', () => {
    const alarms = template.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: Match.stringLikeRegexp('auth-failure-spike$') } });
    const [alarm] = Object.values(alarms) as Resource[];
    expect(alarm!.Properties).toMatchObject({ Threshold: 75, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching', EvaluationPeriods: 2 });
    const metrics = alarm!.Properties['Metrics'] as Record<string, any>[];
    const reasons = metrics.filter((m) => m['MetricStat']).map((m) => m['MetricStat'].Metric.Dimensions[0].Value).sort();
    expect(reasons).toEqual([...ALARMED_AUTH_REASONS].sort());
    for (const m of metrics.filter((x) => x['MetricStat'])) {
      expect(m['MetricStat'].Metric).toMatchObject({ Namespace: 'NeonPanelMcp', MetricName: GATEWAY_METRICS.authFailures });
      expect(m['MetricStat'].Period).toBe(300);
    }
    expect(reasons).not.toContain('missing');
    expect(reasons).not.toContain('expired');
  });

  it('NeonPanel error rate: failures over calls, in percent, only with enough calls', () => {
    const alarms = template.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: Match.stringLikeRegexp('neonpanel-error-rate$') } });
    const [alarm] = Object.values(alarms) as Resource[];
    expect(alarm!.Properties).toMatchObject({ Threshold: 15, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching' });
    const metrics = alarm!.Properties['Metrics'] as Record<string, any>[];
    const expression = metrics.find((m) => m['Expression'])!['Expression'] as string;
    expect(expression).toMatch(/^IF\(FILL\(calls, 0\) >= 30, 100 \* \(.+\) \/ calls, 0\)$/);
    const outcomes = metrics.filter((m) => m['MetricStat'] && m['MetricStat'].Metric.Dimensions)
      .map((m) => m['MetricStat'].Metric.Dimensions[0]).map((d: { Name: string; Value: string }) => [d.Name, d.Value]);
    expect(outcomes.sort()).toEqual(UPSTREAM_FAILURE_OUTCOMES.map((o) => [GATEWAY_LABELS.upstreamOutcome, o]).sort());
  });
});

describe('config', () => {
  it('telemetry is on by default, and false leaves the server with telemetry off', () => {
    expect(resolveConfig({ hostedZoneId: 'Z1' }).telemetry).toBe(true);
    expect(containerEnvironment(resolveConfig({ hostedZoneId: 'Z1' }))['TELEMETRY']).toBe('otlp');
    expect(containerEnvironment(resolveConfig({ hostedZoneId: 'Z1', telemetry: false }))['TELEMETRY']).toBeUndefined();
    expect(resolveConfig({ hostedZoneId: 'Z1' }).authFailureAlarmThreshold).toBe(50);
    expect(() => resolveConfig({ hostedZoneId: 'Z1', upstreamErrorRateAlarmPercent: 0 })).toThrow(/upstreamErrorRateAlarmPercent/);
    expect(() => resolveConfig({ hostedZoneId: 'Z1', metricsNamespace: 'AWS/ECS' })).toThrow(/metricsNamespace/);
  });

  it("uses the server's own metric and label names", () => {
    const vocabulary = readFileSync(path.join(repositoryRoot(), 'packages/server/src/telemetry/vocabulary.ts'), 'utf8');
    for (const name of [...Object.values(GATEWAY_METRICS), ...Object.values(GATEWAY_LABELS)]) expect(vocabulary).toContain(`'${name}'`);
    const reasons = readFileSync(path.join(repositoryRoot(), 'packages/server/src/auth/errors.ts'), 'utf8');
    for (const reason of ALARMED_AUTH_REASONS) expect(reasons).toContain(`'${reason}'`);
    for (const outcome of UPSTREAM_FAILURE_OUTCOMES) expect(vocabulary).toContain(`'${outcome}'`);
  });
});
