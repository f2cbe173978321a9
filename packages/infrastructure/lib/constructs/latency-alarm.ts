/**
 * A person should hear when the gateway gets slow, before users give up: the load balancer's
 * p95 target response time (time to the first response byte, so open SSE streams do not count
 * their length) over a threshold. It notifies only; it is not a deployment alarm, since a slow
 * NeonPanel would otherwise roll back a good release.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';

export interface LatencyAlarmProps {
  loadBalancer: elbv2.ApplicationLoadBalancer;
  /** p95 response time, in seconds, that counts as slow. */
  thresholdSeconds: number;
  /** Consecutive 5-minute periods over it before the alarm fires. */
  evaluationPeriods: number;
}

export class LatencyAlarm extends Construct {
  readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: LatencyAlarmProps) {
    super(scope, id);
    this.alarm = props.loadBalancer.metrics.targetResponseTime({ statistic: 'p95', period: Duration.minutes(5) }).createAlarm(this, 'Alarm', {
      alarmName: `${Stack.of(this).stackName}-latency`,
      alarmDescription: `MCP gateway: p95 target response time over ${String(props.thresholdSeconds)} s for ${String(props.evaluationPeriods)} periods of 5 minutes. RUNBOOK.md "Diagnosing a failing connector", step 4 (NeonPanel latency).`,
      threshold: props.thresholdSeconds,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: props.evaluationPeriods,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
}
