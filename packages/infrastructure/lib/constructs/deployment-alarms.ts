/**
 * The alarms ECS watches during a deployment (deployment alarms): server errors seen at the
 * load balancer, and unhealthy targets. Either one in ALARM rolls the deployment back.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';

export interface DeploymentAlarmsProps {
  loadBalancer: elbv2.ApplicationLoadBalancer;
  /** Every target group the tasks may be in: blue/green alternates between two. */
  targetGroups: elbv2.ApplicationTargetGroup[];
  /** 5xx responses per minute (from targets and from the ALB itself) that count as breaching. */
  errorThreshold: number;
  /** Consecutive breaching minutes before the alarm fires. */
  evaluationPeriods: number;
}

export class DeploymentAlarms extends Construct {
  readonly serverErrors: cloudwatch.Alarm;
  readonly unhealthyHosts: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: DeploymentAlarmsProps) {
    super(scope, id);
    const period = Duration.minutes(1);
    const prefix = Stack.of(this).stackName;

    // ALB-generated 5xx (502/503/504) matter as much as the server's own: a task that cannot
    // answer shows up there, not in the target metric.
    if (props.targetGroups.length === 0) throw new Error('DeploymentAlarms needs at least one target group');
    const targetErrors = Object.fromEntries(props.targetGroups.map((tg, i) => [
      `target5xx${i === 0 ? '' : String(i)}`,
      tg.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period, statistic: 'Sum' }),
    ]));
    const errors = new cloudwatch.MathExpression({
      expression: [...Object.keys(targetErrors), 'elb5xx'].map((m) => `FILL(${m}, 0)`).join(' + '),
      usingMetrics: {
        ...targetErrors,
        elb5xx: props.loadBalancer.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { period, statistic: 'Sum' }),
      },
      label: '5xx responses per minute',
      period,
    });
    this.serverErrors = errors.createAlarm(this, 'ServerErrors', {
      alarmName: `${prefix}-5xx`,
      alarmDescription: 'MCP gateway: 5xx responses (targets and ALB) per minute over threshold; rolls back an ECS deployment in progress.',
      threshold: props.errorThreshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: props.evaluationPeriods,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    const unhealthy = props.targetGroups.map((tg) => tg.metrics.unhealthyHostCount({ period, statistic: 'Maximum' }));
    // With blue and green, the worse of the two: a green task failing /healthz rolls back too.
    const unhealthyMetric: cloudwatch.IMetric = unhealthy.length === 1 ? unhealthy[0]! : new cloudwatch.MathExpression({
      expression: `MAX([${unhealthy.map((_, i) => `FILL(unhealthy${String(i)}, 0)`).join(', ')}])`,
      usingMetrics: Object.fromEntries(unhealthy.map((m, i) => [`unhealthy${String(i)}`, m])),
      label: 'Unhealthy targets (worst target group)',
      period,
    });
    this.unhealthyHosts = new cloudwatch.Alarm(this, 'UnhealthyHosts', {
      metric: unhealthyMetric,
      alarmName: `${prefix}-unhealthy-hosts`,
      alarmDescription: 'MCP gateway: at least one target failing the /healthz check; rolls back an ECS deployment in progress.',
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: props.evaluationPeriods,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  get alarms(): cloudwatch.Alarm[] {
    return [this.serverErrors, this.unhealthyHosts];
  }
}
