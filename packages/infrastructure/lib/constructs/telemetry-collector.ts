/**
 * The AWS Distro for OpenTelemetry collector as a sidecar of the gateway task.
 *
 * Why a sidecar rather than EMF lines written by the server: the server already speaks
 * OpenTelemetry (SDK, OTLP exporters), so the sidecar needs no code of ours, carries traces
 * too (to X-Ray), and moves the formatting and the CloudWatch calls out of the request path:
 * the server only aggregates in memory and sends one OTLP batch a minute over loopback.
 * EMF from the server would need a hand-written exporter and would give no traces. The price
 * is the sidecar's share of the task (cpu/memory below) and one more image to keep current.
 *
 * The collector listens on 127.0.0.1 only (awsvpc: the task's containers share loopback), is
 * not in any port mapping, and is not essential: losing telemetry must not stop the gateway.
 */
import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { METRIC_DIMENSIONS } from '../telemetry-metrics.js';

export interface TelemetryCollectorProps {
  taskDefinition: ecs.FargateTaskDefinition;
  /** The gateway container: it starts after the collector, so its first export finds it. */
  gateway: ecs.ContainerDefinition;
  /** The collector image, pinned (e.g. `public.ecr.aws/aws-observability/aws-otel-collector:v0.43.3`). */
  image: string;
  /** CloudWatch namespace for the gateway's metrics. */
  namespace: string;
  /** OTLP/HTTP port on loopback; the server's OTLP_ENDPOINT points here. */
  otlpHttpPort: number;
  /** Where the collector's own logs go (the gateway's log group, stream prefix `collector`). */
  logGroup: logs.ILogGroup;
  logRetention: logs.RetentionDays;
  /**
   * CPU units reserved for the collector within the task.
   * @default 128
   */
  cpu?: number;
  /**
   * Memory (MiB) reserved for the collector; it is a soft limit, so a burst borrows from the task.
   * @default 128
   */
  memoryReservationMiB?: number;
}

/** The collector's configuration: OTLP in, EMF metrics and X-Ray traces out. JSON is valid YAML. */
export function collectorConfig(props: { namespace: string; otlpHttpPort: number; metricsLogGroupName: string; region: string }): string {
  const escape = (name: string) => `^${name.replace(/\./g, '\\.')}$`;
  return JSON.stringify({
    receivers: { otlp: { protocols: { http: { endpoint: `127.0.0.1:${String(props.otlpHttpPort)}` } } } },
    processors: {
      'batch/metrics': { timeout: '60s' },
      'batch/traces': { timeout: '5s', send_batch_size: 256 },
      // A collector that cannot keep up drops rather than growing without bound.
      memory_limiter: { check_interval: '5s', limit_percentage: 80, spike_limit_percentage: 20 },
    },
    exporters: {
      awsemf: {
        region: props.region,
        namespace: props.namespace,
        log_group_name: props.metricsLogGroupName,
        log_stream_name: '{TaskId}',
        dimension_rollup_option: 'NoDimensionRollup',
        resource_to_telemetry_conversion: { enabled: false },
        metric_declarations: METRIC_DIMENSIONS.map((m) => ({ dimensions: m.dimensions, metric_name_selectors: [escape(m.metric)] })),
      },
      awsxray: { region: props.region },
    },
    service: {
      pipelines: {
        metrics: { receivers: ['otlp'], processors: ['memory_limiter', 'batch/metrics'], exporters: ['awsemf'] },
        traces: { receivers: ['otlp'], processors: ['memory_limiter', 'batch/traces'], exporters: ['awsxray'] },
      },
    },
  });
}

export class TelemetryCollector extends Construct {
  readonly container: ecs.ContainerDefinition;
  /** The EMF log group CloudWatch extracts the metrics from (its retention bounds the raw records only). */
  readonly metricsLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: TelemetryCollectorProps) {
    super(scope, id);
    const region = Stack.of(this).region;
    this.metricsLogGroup = new logs.LogGroup(this, 'MetricsLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.container = props.taskDefinition.addContainer('collector', {
      containerName: 'otel-collector',
      image: ecs.ContainerImage.fromRegistry(props.image),
      essential: false,
      cpu: props.cpu ?? 128,
      memoryReservationMiB: props.memoryReservationMiB ?? 128,
      readonlyRootFilesystem: true,
      environment: {
        AOT_CONFIG_CONTENT: collectorConfig({
          namespace: props.namespace,
          otlpHttpPort: props.otlpHttpPort,
          metricsLogGroupName: this.metricsLogGroup.logGroupName,
          region,
        }),
      },
      logging: ecs.LogDrivers.awsLogs({
        logGroup: props.logGroup,
        streamPrefix: 'collector',
        mode: ecs.AwsLogDriverMode.NON_BLOCKING,
      }),
    });
    props.gateway.addContainerDependencies({ container: this.container, condition: ecs.ContainerDependencyCondition.START });

    const role = props.taskDefinition.taskRole;
    this.metricsLogGroup.grantWrite(role);
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['logs:DescribeLogStreams', 'logs:DescribeLogGroups'],
      resources: [this.metricsLogGroup.logGroupArn],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
      resources: ['*'],
    }));
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray PutTraceSegments, PutTelemetryRecords and the sampling reads have no resource-level permissions (AWS: "Resource types: none"); the log statements are scoped to the metrics log group.',
    });
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.metricsLogGroup.node.defaultChild as logs.CfnLogGroup)}.Arn>:*]`,
      reason: 'Log streams are created per task under the metrics log group; the wildcard is the stream name within that one group.',
    });
  }
}
