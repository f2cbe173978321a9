/**
 * The MCP gateway on ECS Fargate behind an ALB, composed from the constructs in
 * lib/constructs. All settings come from a validated `GatewayConfig`.
 */
import { CfnOutput, Duration, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { CONTAINER_PORT, type GatewayConfig } from './config.js';
import { containerEnvironment } from './environment.js';
import { OUTPUT_KEYS } from './outputs.js';
import { repositoryRoot } from './paths.js';
import { Network } from './constructs/network.js';
import { PublicEndpoint } from './constructs/public-endpoint.js';
import { DeploymentAlarms } from './constructs/deployment-alarms.js';
import { GatewayService } from './constructs/gateway-service.js';

export interface GatewayStackProps extends StackProps {
  config: GatewayConfig;
  /**
   * The container image. Tests may pass a prebuilt one.
   * @default the repository's Dockerfile, built for `config.cpuArchitecture`
   */
  image?: ecs.ContainerImage;
}

export class GatewayStack extends Stack {
  readonly endpoint: PublicEndpoint;
  readonly gateway: GatewayService;
  readonly alarms: DeploymentAlarms;
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
      // Legacy SSE sessions (and stateful Streamable HTTP ones) live in one task's memory;
      // clients that keep cookies then stay on it. Stateless requests do not mind.
      stickinessDuration: Duration.days(1),
    });

    this.alarms = new DeploymentAlarms(this, 'Alarms', {
      loadBalancer: this.endpoint.loadBalancer,
      targetGroup: this.endpoint.targetGroup,
      errorThreshold: config.alarm5xxThreshold,
      evaluationPeriods: config.alarmEvaluationPeriods,
    });

    const arm = config.cpuArchitecture === 'ARM64';
    const image = props.image ?? ecs.ContainerImage.fromAsset(repositoryRoot(), {
      file: 'Dockerfile',
      platform: arm ? ecrAssets.Platform.LINUX_ARM64 : ecrAssets.Platform.LINUX_AMD64,
    });

    this.gateway = new GatewayService(this, 'Gateway', {
      vpc: network.vpc,
      image,
      containerPort: CONTAINER_PORT,
      environment: containerEnvironment(config),
      secretArns: config.oauthClientSecretArn ? { OAUTH_CLIENT_SECRET: config.oauthClientSecretArn } : {},
      cpu: config.cpu,
      memoryMiB: config.memoryMiB,
      cpuArchitecture: arm ? ecs.CpuArchitecture.ARM64 : ecs.CpuArchitecture.X86_64,
      family: config.taskDefinitionFamily,
      logGroupName: config.logGroupName,
      logRetention: config.logRetentionDays as logs.RetentionDays,
      desiredCount: config.desiredCount,
      minTasks: config.minTasks,
      maxTasks: config.maxTasks,
      cpuTargetPercent: config.cpuTargetPercent,
      requestsPerTarget: config.requestsPerTarget,
      drain,
      targetGroup: this.endpoint.targetGroup,
      loadBalancerConnections: this.endpoint.loadBalancer,
      deploymentAlarms: this.alarms.alarms,
    });

    new CfnOutput(this, OUTPUT_KEYS.url, { value: this.endpoint.url, description: 'Public URL of the MCP gateway' });
    new CfnOutput(this, OUTPUT_KEYS.clusterName, { value: this.gateway.cluster.clusterName, description: 'ECS cluster' });
    new CfnOutput(this, OUTPUT_KEYS.serviceName, { value: this.gateway.service.serviceName, description: 'ECS service' });
    new CfnOutput(this, OUTPUT_KEYS.taskDefinitionFamily, {
      value: config.taskDefinitionFamily,
      description: 'Task-definition family; rollback picks revisions from it',
    });
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
