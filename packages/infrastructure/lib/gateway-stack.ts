/**
 * The MCP gateway on ECS Fargate behind an ALB, composed from the constructs in
 * lib/constructs. All settings come from a validated `GatewayConfig`.
 */
import { CfnOutput, Duration, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { COLLECTOR_OTLP_HTTP_PORT, CONTAINER_PORT, type GatewayConfig } from './config.js';
import { containerEnvironment } from './environment.js';
import { OPTIONAL_OUTPUT_KEYS, OUTPUT_KEYS } from './outputs.js';
import { repositoryRoot } from './paths.js';
import { Network } from './constructs/network.js';
import { PublicEndpoint } from './constructs/public-endpoint.js';
import { DeploymentAlarms } from './constructs/deployment-alarms.js';
import { GatewayService } from './constructs/gateway-service.js';
import { ReleaseHook } from './constructs/release-hook.js';
import { TelemetryCollector } from './constructs/telemetry-collector.js';
import { OperationsDashboard } from './constructs/operations-dashboard.js';
import { SharedStore } from './constructs/shared-store.js';
import { AlarmTopic } from './constructs/alarm-topic.js';
import { Canary } from './constructs/canary.js';
import { LatencyAlarm } from './constructs/latency-alarm.js';
import { BrokerSecrets } from './constructs/broker-secrets.js';
import { neonpanelCallbackUrl } from './broker.js';

export interface GatewayStackProps extends StackProps {
  config: GatewayConfig;
  /**
   * The container image. Tests may pass a prebuilt one.
   * @default the repository's Dockerfile, built for `config.cpuArchitecture`
   */
  image?: ecs.ContainerImage;
  /**
   * The Lambda code of the release hook (blue-green only) and of the canary: one bundle.
   * @default the bundle `pnpm build` writes to dist/release-hook
   */
  releaseHookCode?: lambda.Code;
}

export class GatewayStack extends Stack {
  readonly endpoint: PublicEndpoint;
  readonly gateway: GatewayService;
  readonly alarms: DeploymentAlarms;
  /** Present when the deployment strategy is blue-green. */
  readonly releaseHook: ReleaseHook | undefined;
  /** Present when `telemetry` is on: the ADOT sidecar, and the dashboard and alarms over its metrics. */
  readonly telemetry: { collector: TelemetryCollector; operations: OperationsDashboard } | undefined;
  /** The ElastiCache (Valkey) shared state; undefined with `sharedStore=none`. */
  readonly sharedStore: SharedStore | undefined;
  /** broker mode: the secret the broker's four settings come from. */
  readonly brokerSecrets: BrokerSecrets | undefined;
  /** The topic every alarm of the stack notifies. */
  readonly alarmTopic: AlarmTopic;
  /** The scheduled canary; undefined with `canary=false`. */
  readonly canary: Canary | undefined;
  private readonly pinnedZones: string[];

  constructor(scope: Construct, id: string, props: GatewayStackProps) {
    super(scope, id, {
      ...props,
      stackName: props.stackName ?? props.config.stackName,
      env: props.env ?? { account: props.config.account, region: props.config.region },
      description: props.description ?? `NeonPanel MCP gateway (${props.config.domainName}) on ECS Fargate`,
    });
    const { config } = props;
    this.pinnedZones = config.availabilityZones;

    const network = new Network(this, 'Network', {
      availabilityZones: config.availabilityZones,
      natGateways: config.natGateways,
      flowLogRetention: config.logRetentionDays as logs.RetentionDays,
    });

    const drain = Duration.seconds(config.drainSeconds);
    const blueGreen = config.deploymentStrategy === 'blue-green';
    this.endpoint = new PublicEndpoint(this, 'Endpoint', {
      vpc: network.vpc,
      domainName: config.domainName,
      hostedZoneId: config.hostedZoneId,
      hostedZoneName: config.hostedZoneName,
      targetPort: CONTAINER_PORT,
      healthCheckPath: '/healthz',
      idleTimeout: Duration.seconds(config.albIdleTimeoutSeconds),
      deregistrationDelay: drain,
      accessLogRetentionDays: config.accessLogRetentionDays,
      // Without a shared store, legacy SSE sessions (and stateful Streamable HTTP ones) live in
      // one task's memory; clients that keep cookies then stay on it. With it, any task serves
      // any session, so requests are spread freely.
      ...(config.sharedStore === 'none' ? { stickinessDuration: Duration.days(1) } : {}),
      // Test traffic: only requests leaving this VPC through its NAT gateways (the release hook).
      ...(blueGreen ? { blueGreen: { testClientCidrs: network.natPublicIps.map((ip) => `${ip}/32`) } } : {}),
    });

    this.alarms = new DeploymentAlarms(this, 'Alarms', {
      loadBalancer: this.endpoint.loadBalancer,
      targetGroups: this.endpoint.targetGroups,
      errorThreshold: config.alarm5xxThreshold,
      evaluationPeriods: config.alarmEvaluationPeriods,
    });

    const arm = config.cpuArchitecture === 'ARM64';
    const image = props.image ?? ecs.ContainerImage.fromAsset(repositoryRoot(), {
      file: 'Dockerfile',
      platform: arm ? ecrAssets.Platform.LINUX_ARM64 : ecrAssets.Platform.LINUX_AMD64,
    });

    // The release hook and the canary run the same matrix, from the same bundle, on the same secret.
    const gateOptions = {
      authMode: config.authMode,
      ...(props.releaseHookCode ? { code: props.releaseHookCode } : {}),
      ...(config.releaseHookTokenSecretArn ? { tokenSecretArn: config.releaseHookTokenSecretArn } : {}),
      ...(config.releaseHookScopeProbeTool ? { scopeProbeTool: config.releaseHookScopeProbeTool } : {}),
    };
    this.releaseHook = blueGreen ? new ReleaseHook(this, 'ReleaseHook', {
      vpc: network.vpc,
      url: this.endpoint.url,
      logRetention: config.logRetentionDays as logs.RetentionDays,
      metricsNamespace: config.metricsNamespace,
      ...gateOptions,
    }) : undefined;

    this.brokerSecrets = config.authMode === 'broker' ? new BrokerSecrets(this, 'Broker', { secretName: config.brokerSecretName }) : undefined;

    this.sharedStore = config.sharedStore === 'valkey' ? new SharedStore(this, 'SharedState', {
      vpc: network.vpc,
      dataStorageMaxGb: config.cacheDataStorageMaxGb,
      ecpuPerSecondMax: config.cacheEcpuPerSecondMax,
    }) : undefined;

    this.gateway = new GatewayService(this, 'Gateway', {
      vpc: network.vpc,
      image,
      containerPort: CONTAINER_PORT,
      environment: { ...containerEnvironment(config), ...(this.sharedStore ? this.sharedStore.environment : {}) },
      secretArns: config.oauthClientSecretArn ? { OAUTH_CLIENT_SECRET: config.oauthClientSecretArn } : {},
      secrets: {
        ...(this.sharedStore ? { REDIS_PASSWORD: this.sharedStore.passwordSecret } : {}),
        ...this.brokerSecrets?.containerSecrets(),
      },
      cpu: config.cpu,
      memoryMiB: config.memoryMiB,
      cpuArchitecture: arm ? ecs.CpuArchitecture.ARM64 : ecs.CpuArchitecture.X86_64,
      family: config.taskDefinitionFamily,
      ...(config.logGroupName ? { logGroupName: config.logGroupName } : {}),
      logRetention: config.logRetentionDays as logs.RetentionDays,
      desiredCount: config.desiredCount,
      minTasks: config.minTasks,
      maxTasks: config.maxTasks,
      cpuTargetPercent: config.cpuTargetPercent,
      requestsPerTarget: config.requestsPerTarget,
      drain,
      targetGroup: this.endpoint.targetGroup,
      loadBalancerConnections: this.endpoint.loadBalancer,
      loadBalancerFullName: this.endpoint.loadBalancer.loadBalancerFullName,
      deploymentAlarms: this.alarms.alarms,
      executeCommand: config.executeCommand,
      ...(this.endpoint.blueGreen && this.releaseHook ? {
        blueGreen: {
          routing: this.endpoint.blueGreen,
          bakeTime: Duration.minutes(config.bakeTimeMinutes),
          lifecycleHooks: [this.releaseHook.target],
        },
      } : {}),
    });

    this.telemetry = config.telemetry ? {
      collector: new TelemetryCollector(this, 'Telemetry', {
        taskDefinition: this.gateway.taskDefinition,
        gateway: this.gateway.container,
        image: config.collectorImage,
        namespace: config.metricsNamespace,
        otlpHttpPort: COLLECTOR_OTLP_HTTP_PORT,
        logGroup: this.gateway.logGroup,
        logRetention: config.logRetentionDays as logs.RetentionDays,
      }),
      operations: new OperationsDashboard(this, 'Operations', {
        namespace: config.metricsNamespace,
        service: this.gateway.service,
        authFailureThreshold: config.authFailureAlarmThreshold,
        upstreamErrorRatePercent: config.upstreamErrorRateAlarmPercent,
        upstreamMinCalls: config.upstreamErrorAlarmMinCalls,
        evaluationPeriods: config.telemetryAlarmEvaluationPeriods,
      }),
    } : undefined;
    this.sharedStore?.allowFrom(this.gateway.taskSecurityGroup);
    this.brokerSecrets?.acknowledgeGrant(this.gateway.taskDefinition.obtainExecutionRole());

    this.canary = config.canary ? new Canary(this, 'Canary', {
      url: this.endpoint.url,
      namespace: config.metricsNamespace,
      interval: Duration.minutes(config.canaryIntervalMinutes),
      logRetention: config.logRetentionDays as logs.RetentionDays,
      ...gateOptions,
      ...(config.canaryTokenSecretArn ? { tokenSecretArn: config.canaryTokenSecretArn } : {}),
    }) : undefined;
    if (this.canary && this.telemetry) this.telemetry.operations.dashboard.addWidgets(this.canary.widget());

    // Every alarm reaches a person. The deployment alarms also still roll ECS back (above).
    this.alarmTopic = new AlarmTopic(this, 'AlarmTopic', {
      ...(config.alarmTopicArn ? { existingTopicArn: config.alarmTopicArn } : {}),
      ...(config.alarmEmail ? { email: config.alarmEmail } : {}),
    });
    const latency = new LatencyAlarm(this, 'Latency', {
      loadBalancer: this.endpoint.loadBalancer,
      thresholdSeconds: config.latencyAlarmSeconds,
      evaluationPeriods: config.latencyAlarmEvaluationPeriods,
    });
    this.alarmTopic.notify(
      ...this.alarms.alarms,
      latency.alarm,
      ...(this.telemetry?.operations.alarms ?? []),
      ...(this.releaseHook ? [this.releaseHook.failedAlarm] : []),
      ...(this.canary ? [this.canary.failingAlarm] : []),
    );

    new CfnOutput(this, OUTPUT_KEYS.url, { value: this.endpoint.url, description: 'Public URL of the MCP gateway' });
    new CfnOutput(this, OUTPUT_KEYS.clusterName, { value: this.gateway.cluster.clusterName, description: 'ECS cluster' });
    new CfnOutput(this, OUTPUT_KEYS.serviceName, { value: this.gateway.service.serviceName, description: 'ECS service' });
    new CfnOutput(this, OUTPUT_KEYS.taskDefinitionFamily, {
      value: config.taskDefinitionFamily,
      description: 'Task-definition family; rollback picks revisions from it',
    });
    new CfnOutput(this, OPTIONAL_OUTPUT_KEYS.deploymentStrategy, {
      value: blueGreen ? 'BLUE_GREEN' : 'ROLLING',
      description: 'How ECS deploys the service; pnpm run deploy follows a blue/green deployment, or gates a rolling one',
    });
    new CfnOutput(this, OPTIONAL_OUTPUT_KEYS.gatewayLogGroup, {
      value: this.gateway.logGroup.logGroupName,
      description: 'Log group of the gateway containers (its name is generated unless logGroupName is set)',
    });
    if (this.telemetry) {
      new CfnOutput(this, 'OperationsDashboardName', {
        value: this.telemetry.operations.dashboard.dashboardName,
        description: 'CloudWatch dashboard: requests, auth failures by reason, tools, NeonPanel, sessions, CPU and memory',
      });
    }
    if (this.brokerSecrets) {
      new CfnOutput(this, 'NeonPanelCallbackUrl', {
        value: neonpanelCallbackUrl(config.domainName),
        description: 'Register exactly this redirect URI for the gateway\'s client at NeonPanel (RUNBOOK "Registering at NeonPanel")',
      });
      new CfnOutput(this, 'BrokerSecretName', {
        value: config.brokerSecretName,
        description: 'Secret with NEONPANEL_CLIENT_ID, NEONPANEL_CLIENT_SECRET, BROKER_VAULT_KEY, BROKER_SIGNING_KEYS',
      });
    }
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topic.topicArn, description: 'SNS topic every alarm of the stack notifies' });
    if (this.canary) {
      new CfnOutput(this, OPTIONAL_OUTPUT_KEYS.canaryLogGroup, {
        value: this.canary.logGroup.logGroupName,
        description: 'Log group of the canary: one verdict line per run, naming each failed case',
      });
    }
    if (this.releaseHook) {
      new CfnOutput(this, OPTIONAL_OUTPUT_KEYS.releaseHookLogGroup, {
        value: this.releaseHook.logGroup.logGroupName,
        description: 'Log group of the release hook: one verdict line per deployment, naming each failed case',
      });
      new CfnOutput(this, OPTIONAL_OUTPUT_KEYS.releaseHookFunction, {
        value: this.releaseHook.function.functionName,
        description: 'The release hook function; RUNBOOK.md shows how to invoke it by hand',
      });
    }
  }

  /**
   * Pinned zones when configured, otherwise the region's first two through Fn::GetAZs: either
   * way synth never performs a context lookup, so it works offline and without credentials.
   */
  override get availabilityZones(): string[] {
    if (this.pinnedZones?.length) return this.pinnedZones;
    return [Fn.select(0, Fn.getAzs()), Fn.select(1, Fn.getAzs())];
  }
}
