/**
 * The release gate as an ECS deployment lifecycle hook: a Lambda function (src/hook, bundled
 * by `pnpm build`) that runs the e2e auth matrix against the green revision at
 * POST_TEST_TRAFFIC_SHIFT. It runs in the private subnets, so its requests to the public name
 * leave through the NAT gateways and the load balancer's test rule sends them to green.
 *
 * Least privilege, by role:
 * - the function's own role: write its log group, manage its network interfaces (the only
 *   statement on "*": EC2 has no resource-level permissions for them), read the token secret
 *   when one is configured. Nothing else; it calls no other AWS API.
 * - the role ECS assumes to call it: lambda:InvokeFunction on this function only.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { HOOK_ENV } from '../../src/hook/settings.js';
import { VERDICT_EVENT } from '../../src/hook/verdict.js';
import { releaseHookBundleDir } from '../paths.js';
import { gateEnvironment, grantGateSecret, type GateMatrixProps } from './gate-function.js';

/** `url`: the gateway's public URL (the test rule routes the hook's requests by source address). */
export interface ReleaseHookProps extends GateMatrixProps {
  vpc: ec2.IVpc;
  /** Retention of the hook's log group. */
  logRetention: logs.RetentionDays;
  /** The function's code. @default the bundle `pnpm build` writes to dist/release-hook */
  code?: lambda.Code;
  /** The function's timeout; the matrix takes well under a minute against a healthy server. @default 5 minutes */
  timeout?: Duration;
  /** Invocations in a row that may find green unreachable before the hook fails. @default 4 */
  maxAttempts?: number;
  /** Wait between those invocations. @default 30 seconds */
  retryDelay?: Duration;
  /** Namespace of the `ReleaseHookFailed` metric its log group yields. */
  metricsNamespace: string;
}

/** Counted from the hook's verdict lines: one per FAILED verdict. */
export const RELEASE_HOOK_FAILED_METRIC = 'ReleaseHookFailed';

/** The bundle, or a clear error when `pnpm build` has not made it. */
export function releaseHookCode(dir: string = releaseHookBundleDir()): lambda.Code {
  if (!existsSync(path.join(dir, 'index.mjs'))) {
    throw new Error(`The release hook bundle ${path.join(dir, 'index.mjs')} is missing: run \`pnpm build\` in packages/infrastructure first.`);
  }
  return lambda.Code.fromAsset(dir);
}

export class ReleaseHook extends Construct {
  readonly function: lambda.Function;
  readonly logGroup: logs.LogGroup;
  /** The role the function runs as. */
  readonly role: iam.Role;
  /** The role ECS assumes to invoke the function. */
  readonly invokeRole: iam.Role;
  readonly securityGroup: ec2.SecurityGroup;
  /** Give this to the service's `lifecycleHooks`. */
  readonly target: ecs.DeploymentLifecycleLambdaTarget;
  /** A verdict of FAILED: ECS rolls back by itself; this tells a person it did. */
  readonly failedAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ReleaseHookProps) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'MCP gateway release hook: HTTPS out only (the gateway through NAT, Secrets Manager)',
      allowAllOutbound: false,
    });
    this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to the gateway\'s public name and to AWS APIs');

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'MCP gateway release hook: its logs, its network interfaces, the gate token secret',
    });
    this.logGroup.grantWrite(this.role);
    this.role.addToPolicy(new iam.PolicyStatement({
      sid: 'VpcNetworkInterfaces',
      actions: [
        'ec2:CreateNetworkInterface',
        'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeSubnets',
        'ec2:DeleteNetworkInterface',
        'ec2:AssignPrivateIpAddresses',
        'ec2:UnassignPrivateIpAddresses',
      ],
      resources: ['*'],
    }));
    grantGateSecret(this.role, props);
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'A Lambda function in a VPC must create, describe and delete its network interfaces; EC2 grants those actions only on "*". Logs and the secret are scoped to their ARNs.',
    });

    const environment: Record<string, string> = {
      ...gateEnvironment(props),
      [HOOK_ENV.maxAttempts]: String(props.maxAttempts ?? 4),
      [HOOK_ENV.retryDelaySeconds]: String((props.retryDelay ?? Duration.seconds(30)).toSeconds()),
    };

    this.function = new lambda.Function(this, 'Function', {
      description: 'MCP gateway release gate: the e2e auth matrix against the green revision (ECS lifecycle hook)',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: props.code ?? releaseHookCode(),
      memorySize: 512,
      timeout: props.timeout ?? Duration.minutes(5),
      role: this.role,
      logGroup: this.logGroup,
      environment,
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [this.securityGroup],
      // IPv4 only: the test rule admits the NAT gateways' IPv4 addresses.
      ipv6AllowedForDualStack: false,
    });

    this.invokeRole = new iam.Role(this, 'InvokeRole', {
      assumedBy: new iam.ServicePrincipal('ecs.amazonaws.com'),
      description: 'Assumed by ECS to invoke the MCP gateway release hook',
    });
    this.invokeRole.addToPolicy(new iam.PolicyStatement({
      sid: 'InvokeReleaseHook',
      actions: ['lambda:InvokeFunction'],
      resources: [this.function.functionArn],
    }));

    this.target = new ecs.DeploymentLifecycleLambdaTarget(this.function, 'ReleaseGate', {
      lifecycleStages: [ecs.DeploymentLifecycleStage.POST_TEST_TRAFFIC_SHIFT],
      role: this.invokeRole,
    });

    // Term patterns, not JSON ones: Lambda's text log format puts time and request id before
    // the JSON line. Only a FAILED verdict has the word: SUCCEEDED and IN_PROGRESS carry no
    // failed cases, and their reasons do not say it.
    const failures = new logs.MetricFilter(this, 'FailedVerdicts', {
      logGroup: this.logGroup,
      filterPattern: logs.FilterPattern.allTerms(VERDICT_EVENT, 'FAILED'),
      metricNamespace: props.metricsNamespace,
      metricName: RELEASE_HOOK_FAILED_METRIC,
      metricValue: '1',
    });
    this.failedAlarm = failures.metric({ statistic: 'Sum', period: Duration.minutes(5) }).createAlarm(this, 'Failed', {
      alarmName: `${Stack.of(this).stackName}-release-hook-failed`,
      alarmDescription: 'MCP gateway: the release hook FAILED a deployment, so ECS rolled it back. `pnpm run status` names the failed cases; RUNBOOK.md "The release gate".',
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
}
