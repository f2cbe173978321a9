/**
 * The Fargate service running the gateway image: cluster (Container Insights), task
 * definition and container, its log group, the service with its deployment safety
 * (circuit breaker with rollback, deployment alarms, 100/200 %), and autoscaling.
 *
 * Deployments are rolling, or blue/green (ECS native): green starts beside blue, gets the test
 * rule's traffic, the lifecycle hooks judge it, production shifts, blue stays up for the bake
 * time, and a failed hook or a deployment alarm rolls back.
 */
import { Duration, RemovalPolicy, Size, Validations } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type { BlueGreenRouting } from './public-endpoint.js';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/** Same probe as the Dockerfile's HEALTHCHECK (ECS ignores the image's own). */
export const CONTAINER_HEALTH_PROBE =
  "fetch('http://127.0.0.1:'+(process.env.PORT||3030)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))";

/** UID:GID of the `node` user in the official Node.js image, which the Dockerfile switches to. */
export const CONTAINER_USER = '1000:1000';

export interface GatewayServiceProps {
  vpc: ec2.IVpc;
  image: ecs.ContainerImage;
  containerPort: number;
  environment: Record<string, string>;
  /** Variable name → complete ARN of a Secrets Manager secret. */
  secretArns: Record<string, string>;
  /** More secrets by variable name, for secrets this stack creates (the shared store's password). @default none */
  secrets?: Record<string, ecs.Secret>;
  cpu: number;
  memoryMiB: number;
  cpuArchitecture: ecs.CpuArchitecture;
  family: string;
  logGroupName: string;
  logRetention: logs.RetentionDays;
  desiredCount: number;
  minTasks: number;
  maxTasks: number;
  cpuTargetPercent: number;
  requestsPerTarget: number;
  /** The server's drain deadline; the container may take 5 s more before SIGKILL. */
  drain: Duration;
  targetGroup: elbv2.ApplicationTargetGroup;
  /** Security group of the load balancer, the only source allowed to reach the tasks. */
  loadBalancerConnections: ec2.IConnectable;
  deploymentAlarms: cloudwatch.IAlarm[];
  /**
   * Blue/green: the routing ECS rewrites, the bake time and the lifecycle hooks.
   * @default undefined (rolling update)
   */
  blueGreen?: {
    routing: BlueGreenRouting;
    bakeTime: Duration;
    lifecycleHooks: ecs.IDeploymentLifecycleHookTarget[];
  };
}

export class GatewayService extends Construct {
  readonly cluster: ecs.Cluster;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly container: ecs.ContainerDefinition;
  readonly service: ecs.FargateService;
  readonly logGroup: logs.LogGroup;
  /** The tasks' security group, for what they may reach (the shared store). */
  readonly taskSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: GatewayServiceProps) {
    super(scope, id);

    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: props.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: props.logGroupName,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      family: props.family,
      cpu: props.cpu,
      memoryLimitMiB: props.memoryMiB,
      runtimePlatform: {
        cpuArchitecture: props.cpuArchitecture,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    // The root filesystem is read-only; /tmp is the one writable place, on task storage.
    this.taskDefinition.addVolume({ name: 'tmp' });

    const secrets: Record<string, ecs.Secret> = { ...props.secrets };
    for (const [name, arn] of Object.entries(props.secretArns)) {
      secrets[name] = ecs.Secret.fromSecretsManager(secretsmanager.Secret.fromSecretCompleteArn(this, `Secret${name}`, arn));
    }

    this.container = this.taskDefinition.addContainer('gateway', {
      containerName: 'gateway',
      image: props.image,
      essential: true,
      user: CONTAINER_USER,
      readonlyRootFilesystem: true,
      environment: props.environment,
      secrets,
      portMappings: [{ containerPort: props.containerPort, protocol: ecs.Protocol.TCP, name: 'http' }],
      // An init process forwards SIGTERM to node and reaps anything it leaves behind.
      linuxParameters: new ecs.LinuxParameters(this, 'Linux', { initProcessEnabled: true }),
      stopTimeout: props.drain.plus(Duration.seconds(5)),
      healthCheck: {
        command: ['CMD', 'node', '-e', CONTAINER_HEALTH_PROBE],
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(20),
      },
      logging: ecs.LogDrivers.awsLogs({
        logGroup: this.logGroup,
        streamPrefix: 'gateway',
        // A slow CloudWatch must never block the server's stdout.
        mode: ecs.AwsLogDriverMode.NON_BLOCKING,
        maxBufferSize: Size.mebibytes(25),
      }),
    });
    Validations.of(this.taskDefinition.obtainExecutionRole()).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'ecr:GetAuthorizationToken has no resource-level permissions and must be granted on "*"; every other statement is scoped to the asset repository and the log group.',
    });
    this.container.addMountPoints({ containerPath: '/tmp', sourceVolume: 'tmp', readOnly: false });
    Validations.of(this.taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason: 'The environment holds only non-secret configuration (URLs, ports, timeouts); the secrets (OAUTH_CLIENT_SECRET, REDIS_PASSWORD) come from Secrets Manager through ECS secrets; REDIS_URL carries only the cache user name.',
    });

    const taskSecurityGroup = this.taskSecurityGroup = new ec2.SecurityGroup(this, 'TaskSecurityGroup', {
      vpc: props.vpc,
      description: 'MCP gateway tasks: HTTP from the load balancer only; HTTPS out',
      allowAllOutbound: false,
    });
    // Everything the server calls (NeonPanel, the OAuth issuer, ECR, CloudWatch Logs,
    // Secrets Manager) is HTTPS; DNS goes to the VPC resolver, which security groups do not filter.
    taskSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to NeonPanel, the OAuth issuer and AWS APIs');
    taskSecurityGroup.addEgressRule(ec2.Peer.anyIpv6(), ec2.Port.tcp(443), 'HTTPS over IPv6');

    this.service = new ecs.FargateService(this, 'Service', {
      cluster: this.cluster,
      taskDefinition: this.taskDefinition,
      desiredCount: props.desiredCount,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { enable: true, rollback: true },
      ...(props.blueGreen ? {
        deploymentStrategy: ecs.DeploymentStrategy.BLUE_GREEN,
        bakeTime: props.blueGreen.bakeTime,
        lifecycleHooks: props.blueGreen.lifecycleHooks,
      } : { deploymentStrategy: ecs.DeploymentStrategy.ROLLING }),
      deploymentAlarms: {
        alarmNames: props.deploymentAlarms.map((a) => a.alarmName),
        behavior: ecs.AlarmBehavior.ROLLBACK_ON_ALARM,
      },
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [taskSecurityGroup],
      assignPublicIp: false,
      platformVersion: ecs.FargatePlatformVersion.LATEST,
      healthCheckGracePeriod: Duration.seconds(30),
      enableECSManagedTags: true,
      propagateTags: ecs.PropagatedTagSource.SERVICE,
    });
    if (props.blueGreen) {
      const { routing } = props.blueGreen;
      const trafficRole = new iam.Role(this, 'BlueGreenTrafficRole', {
        assumedBy: new iam.ServicePrincipal('ecs.amazonaws.com'),
        description: 'Assumed by ECS to move the load balancer rules between blue and green',
        managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonECSInfrastructureRolePolicyForLoadBalancers')],
      });
      Validations.of(trafficRole).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers]',
        reason: 'AWS maintains this policy as exactly what ECS needs to shift blue/green traffic (describe, modify listeners and rules, register targets); only ecs.amazonaws.com can assume the role.',
      });
      this.service.loadBalancerTarget({
        containerName: this.container.containerName,
        containerPort: props.containerPort,
        alternateTarget: new ecs.AlternateTarget('Green', {
          role: trafficRole,
          alternateTargetGroup: routing.alternateTargetGroup,
          productionListener: ecs.ListenerRuleConfiguration.applicationListenerRule(routing.productionRule),
          testListener: ecs.ListenerRuleConfiguration.applicationListenerRule(routing.testRule),
        }),
      }).attachToApplicationTargetGroup(props.targetGroup);
      // Green's tasks are in the same security group, which already admits the load balancer.
    } else {
      this.service.attachToApplicationTargetGroup(props.targetGroup);
    }
    this.service.connections.allowFrom(props.loadBalancerConnections, ec2.Port.tcp(props.containerPort), 'HTTP from the load balancer');

    const scaling = this.service.autoScaleTaskCount({ minCapacity: props.minTasks, maxCapacity: props.maxTasks });
    scaling.scaleOnCpuUtilization('Cpu', {
      targetUtilizationPercent: props.cpuTargetPercent,
      scaleOutCooldown: Duration.seconds(60),
      scaleInCooldown: Duration.seconds(300),
    });
    // ECS does not support ALBRequestCountPerTarget tracking with blue/green (the service's
    // target group alternates), so there the service scales on CPU alone.
    if (!props.blueGreen) {
      scaling.scaleOnRequestCount('Requests', {
        requestsPerTarget: props.requestsPerTarget,
        targetGroup: props.targetGroup,
        scaleOutCooldown: Duration.seconds(60),
        scaleInCooldown: Duration.seconds(300),
      });
    }

  }
}
