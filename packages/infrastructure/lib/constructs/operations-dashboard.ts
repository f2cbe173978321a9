/**
 * What an operator opens first: one CloudWatch dashboard (requests, auth failures by reason,
 * tool errors, NeonPanel latency and errors, sessions and streams, task CPU and memory) and
 * two alarms (a spike of auth failures that point at a fault, and the NeonPanel error rate).
 * RUNBOOK.md "Diagnosing a failing connector" walks through it graph by graph.
 *
 * The metrics come from the ADOT collector (telemetry-collector.ts) under `namespace`, with
 * the dimension sets of telemetry-metrics.ts. Graphs "by X" use SEARCH, so a new reason, tool
 * or route appears without a deploy; alarms name their metrics exactly (alarms cannot SEARCH).
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import { Construct } from 'constructs';
import { ALARMED_AUTH_REASONS, GATEWAY_LABELS as L, GATEWAY_METRICS as M, UPSTREAM_FAILURE_OUTCOMES } from '../telemetry-metrics.js';

export interface OperationsDashboardProps {
  namespace: string;
  service: ecs.FargateService;
  /** Sum over 5 minutes of the alarmed auth failure reasons that raises the alarm. */
  authFailureThreshold: number;
  /** NeonPanel failures (5xx, timeout, network) in percent of calls over 5 minutes that raises the alarm. */
  upstreamErrorRatePercent: number;
  /** Fewer NeonPanel calls than this in 5 minutes count as 0 % (no alarm on a handful of calls). */
  upstreamMinCalls: number;
  /** Consecutive 5-minute periods over threshold before an alarm fires. */
  evaluationPeriods: number;
}

const PERIOD = Duration.minutes(5);

export class OperationsDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  readonly authFailureSpike: cloudwatch.Alarm;
  readonly upstreamErrorRate: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    const ns = props.namespace;
    const prefix = Stack.of(this).stackName;
    const metric = (name: string, statistic: string, dimensionsMap: Record<string, string> = {}, label?: string) =>
      new cloudwatch.Metric({ namespace: ns, metricName: name, dimensionsMap, statistic, period: PERIOD, ...(label ? { label } : {}) });
    // SEARCH over one dimension set; dimension names with dots are quoted.
    const search = (name: string, dimensions: string[], statistic: string, label: string, filter = '') =>
      new cloudwatch.MathExpression({
        expression: `SEARCH('{${[ns, ...dimensions.map((d) => `"${d}"`)].join(',')}} MetricName="${name}"${filter}', '${statistic}', ${String(PERIOD.toSeconds())})`,
        usingMetrics: {},
        label,
        period: PERIOD,
      });

    // Alarm: auth failures that point at a fault. Each alarmed reason by name, summed.
    const reasonMetrics = Object.fromEntries(ALARMED_AUTH_REASONS.map((reason, i) => [`r${String(i)}`, metric(M.authFailures, 'Sum', { [L.reason]: reason }, reason)]));
    const authFaults = new cloudwatch.MathExpression({
      expression: Object.keys(reasonMetrics).map((k) => `FILL(${k}, 0)`).join(' + '),
      usingMetrics: reasonMetrics,
      label: 'Auth failures pointing at a fault (5 min)',
      period: PERIOD,
    });
    this.authFailureSpike = authFaults.createAlarm(this, 'AuthFailureSpike', {
      alarmName: `${prefix}-auth-failure-spike`,
      alarmDescription: `MCP gateway: more than ${String(props.authFailureThreshold)} auth failures in 5 minutes for reasons that point at a fault (${ALARMED_AUTH_REASONS.join(', ')}). RUNBOOK.md "Diagnosing a failing connector", step 2.`,
      threshold: props.authFailureThreshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: props.evaluationPeriods,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    // Alarm: NeonPanel error rate, in percent, once there are enough calls to judge.
    const failures = Object.fromEntries(UPSTREAM_FAILURE_OUTCOMES.map((outcome, i) => [`f${String(i)}`, metric(M.upstreamDuration, 'SampleCount', { [L.upstreamOutcome]: outcome }, outcome)]));
    const upstreamRate = new cloudwatch.MathExpression({
      expression: `IF(FILL(calls, 0) >= ${String(props.upstreamMinCalls)}, 100 * (${Object.keys(failures).map((k) => `FILL(${k}, 0)`).join(' + ')}) / calls, 0)`,
      usingMetrics: { ...failures, calls: metric(M.upstreamDuration, 'SampleCount', {}, 'NeonPanel calls') },
      label: 'NeonPanel error rate (%)',
      period: PERIOD,
    });
    this.upstreamErrorRate = upstreamRate.createAlarm(this, 'NeonPanelErrorRate', {
      alarmName: `${prefix}-neonpanel-error-rate`,
      alarmDescription: `MCP gateway: more than ${String(props.upstreamErrorRatePercent)} % of NeonPanel calls failed (5xx, timeout, network) in 5 minutes, with at least ${String(props.upstreamMinCalls)} calls. RUNBOOK.md "Diagnosing a failing connector", step 4.`,
      threshold: props.upstreamErrorRatePercent,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: props.evaluationPeriods,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    const graph = (title: string, left: cloudwatch.IMetric[], extra: Partial<cloudwatch.GraphWidgetProps> = {}) =>
      new cloudwatch.GraphWidget({ title, left, width: 12, height: 6, period: PERIOD, ...extra });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${prefix}-operations`,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: '## NeonPanel MCP gateway\nRequests → auth → tools → NeonPanel, top to bottom. RUNBOOK.md "Diagnosing a failing connector" says which graph answers which question.',
        width: 24,
        height: 2,
      }),
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: [this.authFailureSpike, this.upstreamErrorRate], width: 24, height: 2 }),
    );
    this.dashboard.addWidgets(
      graph('1. Requests by route and era', [search(M.requestDuration, [L.route, L.era], 'SampleCount', '')]),
      graph('1b. Requests by route and status', [search(M.requestDuration, [L.route, L.status], 'SampleCount', '')]),
    );
    this.dashboard.addWidgets(
      graph('2. Auth failures by reason', [search(M.authFailures, [L.reason], 'Sum', '')], {
        leftAnnotations: [{ value: props.authFailureThreshold, label: 'alarm threshold (alarmed reasons only)' }],
      }),
      graph('2b. Auth failures pointing at a fault (alarmed)', [authFaults]),
    );
    this.dashboard.addWidgets(
      graph('3. Tool calls that did not succeed, by outcome', [search(M.toolDuration, [L.outcome], 'SampleCount', '', ' NOT outcome=ok')]),
      graph('3b. Tool calls by tool and outcome', [search(M.toolDuration, [L.tool, L.outcome], 'SampleCount', '')]),
    );
    this.dashboard.addWidgets(
      graph('4. NeonPanel latency (s)', [metric(M.upstreamDuration, 'Average', {}, 'average'), metric(M.upstreamDuration, 'Maximum', {}, 'maximum')]),
      graph('4b. NeonPanel calls by outcome, and error rate (%)', [search(M.upstreamDuration, [L.upstreamOutcome], 'SampleCount', '')], {
        right: [upstreamRate],
        rightAnnotations: [{ value: props.upstreamErrorRatePercent, label: 'alarm threshold' }],
      }),
    );
    this.dashboard.addWidgets(
      graph('4c. NeonPanel retries by operation', [search(M.upstreamRetries, [L.operation], 'Sum', '')]),
      graph('4d. NeonPanel latency by operation and outcome (s)', [search(M.upstreamDuration, [L.operation, L.upstreamOutcome], 'Average', '')]),
    );
    this.dashboard.addWidgets(
      graph('5. Open sessions and streams (all tasks)', [
        new cloudwatch.Metric({ namespace: ns, metricName: M.sessionsOpen, statistic: 'Sum', period: Duration.minutes(1), label: 'sessions' }),
        new cloudwatch.Metric({ namespace: ns, metricName: M.streamsOpen, statistic: 'Sum', period: Duration.minutes(1), label: 'streams' }),
      ]),
      graph('5b. Limit refusals and store errors', [
        search(M.limitRefusals, [L.limit], 'Sum', ''),
        search(M.storeErrors, [L.storeOperation], 'Sum', ''),
      ]),
    );
    this.dashboard.addWidgets(
      graph('6. Task CPU and memory (%)', [
        props.service.metricCpuUtilization({ period: Duration.minutes(1), label: 'CPU average' }),
        props.service.metricCpuUtilization({ period: Duration.minutes(1), statistic: 'Maximum', label: 'CPU maximum' }),
        props.service.metricMemoryUtilization({ period: Duration.minutes(1), label: 'memory average' }),
        props.service.metricMemoryUtilization({ period: Duration.minutes(1), statistic: 'Maximum', label: 'memory maximum' }),
      ], { leftYAxis: { min: 0, max: 100 } }),
    );
  }

  get alarms(): cloudwatch.Alarm[] {
    return [this.authFailureSpike, this.upstreamErrorRate];
  }
}
