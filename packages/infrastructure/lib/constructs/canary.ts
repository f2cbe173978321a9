/**
 * The scheduled canary (src/canary): an EventBridge rule invokes a Lambda function every few
 * minutes, which runs the release gate's matrix against the public production URL and
 * publishes `CanaryCasesFailed` and `CanaryLatency` in the gateway's namespace. Its code is
 * the release hook's bundle (entry `index.canary`), so both run the same e2e runner.
 *
 * It runs outside the VPC on purpose: the release hook's requests leave through the NAT
 * gateways, whose addresses the blue/green test rule sends to green; the canary's must see
 * what users see, so they come from Lambda's own public addresses, like any client's.
 *
 * Least privilege: its log group; `cloudwatch:PutMetricData` (no resource-level permissions,
 * so "*", conditioned on the namespace); the gate's token secret only when one is configured.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { CANARY_METRICS } from '../../src/canary/metrics.js';
import { CANARY_ENV } from '../../src/canary/settings.js';
import { gateEnvironment, grantGateSecret, type GateMatrixProps } from './gate-function.js';
import { releaseHookCode } from './release-hook.js';

/** `url`: the public production URL. */
export interface CanaryProps extends GateMatrixProps {
  /** The gateway's CloudWatch namespace. */
  namespace: string;
  /** How often the matrix runs. @default 5 minutes */
  interval?: Duration;
  logRetention: logs.RetentionDays;
  /** The bundle. @default the release hook's, from dist/release-hook */
  code?: lambda.Code;
  /** Red runs in a row before the alarm fires. @default 2 */
  failedRunsToAlarm?: number;
}

export class Canary extends Construct {
  readonly function: lambda.Function;
  readonly logGroup: logs.LogGroup;
  readonly role: iam.Role;
  readonly schedule: events.Rule;
  /** The canary red for `failedRunsToAlarm` runs in a row. */
  readonly failingAlarm: cloudwatch.Alarm;
  readonly casesFailed: cloudwatch.Metric;
  readonly latency: cloudwatch.Metric;

  constructor(scope: Construct, id: string, props: CanaryProps) {
    super(scope, id);
    const interval = props.interval ?? Duration.minutes(5);

    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetention, removalPolicy: RemovalPolicy.RETAIN });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'MCP gateway canary: its logs, its metrics in the gateway namespace, the gate token secret',
    });
    this.logGroup.grantWrite(this.role);
    this.role.addToPolicy(new iam.PolicyStatement({
      sid: 'CanaryMetrics',
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': props.namespace } },
    }));
    grantGateSecret(this.role, props);
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'cloudwatch:PutMetricData has no resource-level permissions; the statement is conditioned on the gateway\'s namespace (cloudwatch:namespace). Logs and the secret are scoped to their ARNs.',
    });

    const environment = { ...gateEnvironment(props), [CANARY_ENV.namespace]: props.namespace };

    // A run must end before the next one starts; one at a time, so two never overlap.
    const timeout = Duration.seconds(Math.min(300, Math.max(60, interval.toSeconds() - 30)));
    this.function = new lambda.Function(this, 'Function', {
      description: 'MCP gateway canary: the e2e auth matrix against the public URL, on a schedule',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.canary',
      code: props.code ?? releaseHookCode(),
      memorySize: 512,
      timeout,
      role: this.role,
      logGroup: this.logGroup,
      environment,
      reservedConcurrentExecutions: 1,
    });
    // EventBridge invokes asynchronously: a throttled or failed run is dropped, not queued
    // behind the next one (Lambda would otherwise keep it for up to six hours).
    this.function.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.seconds(Math.max(60, interval.toSeconds())) });

    this.schedule = new events.Rule(this, 'Schedule', {
      description: `Runs the MCP gateway canary every ${interval.toHumanString()}`,
      schedule: events.Schedule.rate(interval),
    });
    // No retries: the next run comes within one interval anyway.
    this.schedule.addTarget(new targets.LambdaFunction(this.function, { retryAttempts: 0, maxEventAge: interval }));

    // Unlabelled, so the alarm names the metric itself (a label would make it a metric-math alarm).
    const metric = (metricName: string) => new cloudwatch.Metric({ namespace: props.namespace, metricName, statistic: 'Maximum', period: interval });
    this.casesFailed = metric(CANARY_METRICS.casesFailed);
    this.latency = metric(CANARY_METRICS.latency);
    const runs = props.failedRunsToAlarm ?? 2;
    this.failingAlarm = this.casesFailed.createAlarm(this, 'Failing', {
      alarmName: `${Stack.of(this).stackName}-canary-failing`,
      alarmDescription: `MCP gateway: the canary (the auth matrix against ${props.url}) failed ${String(runs)} runs in a row. RUNBOOK.md "The canary is red".`,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: runs,
      datapointsToAlarm: runs,
      // A run that publishes nothing never ran (the function failed before the matrix): its
      // Errors show on the function; no data here does not mean the gateway is down.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  /** The dashboard's canary widget: cases failed per run and the p50 request time. */
  widget(): cloudwatch.GraphWidget {
    return new cloudwatch.GraphWidget({
      title: 'Canary: cases failed (left) and p50 request time in ms (right)',
      left: [this.casesFailed.with({ label: 'cases failed (worst run)' })],
      right: [this.latency.with({ label: 'p50 request time (ms, worst run)' })],
      leftAnnotations: [{ value: 1, label: 'red' }],
      width: 24,
      height: 6,
    });
  }
}
