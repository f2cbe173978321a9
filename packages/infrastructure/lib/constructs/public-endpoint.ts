/**
 * Everything between the internet and the tasks: the TLS certificate, the ALB with its two
 * listeners (HTTPS, and HTTP that only redirects), access logs, the target group the tasks
 * join, and the A/AAAA alias records in the hosted zone.
 *
 * For blue/green it adds the green (alternate) target group and two rules on the HTTPS
 * listener that ECS rewrites during a deployment: the production rule (every request), and,
 * ahead of it, the test rule, which only matches requests whose source address is one of
 * `testClientCidrs`. Why a rule on 443 and not a listener on its own port: the auth matrix
 * checks that the RFC 9728 `resource_metadata` a 401 names is on the origin it called, and the
 * server advertises `https://<domain>`; on any other port every discovery and challenge case
 * would fail against a correct build. Why a source-address condition and not a header: the
 * addresses are the VPC's own NAT gateways, which no client outside the VPC can present (a
 * TCP handshake cannot be spoofed), while a header is a shared value anyone who learns it can
 * send, and the matrix runner sends only its own headers.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface PublicEndpointProps {
  vpc: ec2.IVpc;
  /** Public host name, inside `hostedZoneName`. */
  domainName: string;
  hostedZoneId: string;
  hostedZoneName: string;
  /** Port the tasks listen on. */
  targetPort: number;
  /** Path of the target health check. */
  healthCheckPath: string;
  /** ALB idle timeout; SSE streams idle longer than this are cut. */
  idleTimeout: Duration;
  /** How long a deregistering task keeps its in-flight requests; the server's drain deadline. */
  deregistrationDelay: Duration;
  /** Days access logs are kept. */
  accessLogRetentionDays: number;
  /**
   * Cookie stickiness for MCP sessions (legacy SSE, stateful mode): a client that keeps cookies stays on the task
   * holding its session. @default undefined (off)
   */
  stickinessDuration?: Duration;
  /** TLS policy of the HTTPS listener. @default elbv2.SslPolicy.RECOMMENDED_TLS (TLS 1.3 and 1.2) */
  sslPolicy?: elbv2.SslPolicy;
  /**
   * Blue/green routing: the green target group, the production rule and the test rule that
   * admits only `testClientCidrs` (the VPC's NAT addresses, so only the release hook and other
   * workloads in the private subnets reach green before production does).
   * @default undefined (rolling: one target group behind the listener's default action)
   */
  blueGreen?: { testClientCidrs: string[] };
}

/** The rules ECS rewrites during a blue/green deployment. */
export interface BlueGreenRouting {
  alternateTargetGroup: elbv2.ApplicationTargetGroup;
  productionRule: elbv2.ApplicationListenerRule;
  testRule: elbv2.ApplicationListenerRule;
}

/** Rule priorities: the test rule is evaluated first. */
export const TEST_RULE_PRIORITY = 10;
export const PRODUCTION_RULE_PRIORITY = 20;

export class PublicEndpoint extends Construct {
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  readonly httpsListener: elbv2.ApplicationListener;
  readonly certificate: acm.Certificate;
  readonly accessLogs: s3.Bucket;
  readonly url: string;
  /** Present in blue/green mode. */
  readonly blueGreen: BlueGreenRouting | undefined;
  /** Every target group the service's tasks may be in (one, or blue and green). */
  readonly targetGroups: elbv2.ApplicationTargetGroup[];

  constructor(scope: Construct, id: string, props: PublicEndpointProps) {
    super(scope, id);
    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
      hostedZoneId: props.hostedZoneId,
      zoneName: props.hostedZoneName,
    });

    this.certificate = new acm.Certificate(this, 'Certificate', {
      domainName: props.domainName,
      validation: acm.CertificateValidation.fromDns(zone),
    });

    const albSecurityGroup = new ec2.SecurityGroup(this, 'AlbSecurityGroup', {
      vpc: props.vpc,
      description: 'Public HTTPS (and HTTP redirect) to the MCP gateway load balancer',
      // Egress is opened only towards the tasks, by the service's connection rules.
      allowAllOutbound: false,
    });
    for (const peer of [ec2.Peer.anyIpv4(), ec2.Peer.anyIpv6()]) {
      albSecurityGroup.addIngressRule(peer, ec2.Port.tcp(443), 'HTTPS from the internet');
      albSecurityGroup.addIngressRule(peer, ec2.Port.tcp(80), 'HTTP from the internet, redirected to HTTPS');
    }
    Validations.of(albSecurityGroup).acknowledge({
      id: 'AwsSolutions-EC23',
      reason: 'The gateway is a public MCP endpoint for ChatGPT and Claude: 443 (and 80, which only redirects) must be open to any address.',
    });

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      internetFacing: true,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      securityGroup: albSecurityGroup,
      ipAddressType: elbv2.IpAddressType.DUAL_STACK,
      idleTimeout: props.idleTimeout,
      dropInvalidHeaderFields: true,
      http2Enabled: true,
      desyncMitigationMode: elbv2.DesyncMitigationMode.DEFENSIVE,
    });

    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      // ALB access logs support only SSE-S3.
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: false,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ expiration: Duration.days(props.accessLogRetentionDays) }],
    });
    Validations.of(this.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket only receives ALB access logs; logging access to the log bucket itself would need yet another bucket.',
    });
    this.loadBalancer.logAccessLogs(this.accessLogs, 'alb');

    const targetGroup = (id: string) => new elbv2.ApplicationTargetGroup(this, id, {
      vpc: props.vpc,
      targetType: elbv2.TargetType.IP,
      port: props.targetPort,
      protocol: elbv2.ApplicationProtocol.HTTP,
      deregistrationDelay: props.deregistrationDelay,
      ...(props.stickinessDuration ? { stickinessCookieDuration: props.stickinessDuration } : {}),
      healthCheck: {
        path: props.healthCheckPath,
        port: 'traffic-port',
        protocol: elbv2.Protocol.HTTP,
        healthyHttpCodes: '200',
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
    });
    this.targetGroup = targetGroup('Targets');

    this.httpsListener = this.loadBalancer.addListener('Https', {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [this.certificate],
      sslPolicy: props.sslPolicy ?? elbv2.SslPolicy.RECOMMENDED_TLS,
      // A forward action even in blue/green mode (where the rules below take every request):
      // ECS refuses listeners that mix forward and non-forward actions.
      defaultTargetGroups: [this.targetGroup],
      open: false,
    });
    this.blueGreen = props.blueGreen ? this.addBlueGreenRules(props.blueGreen.testClientCidrs, targetGroup('GreenTargets')) : undefined;
    this.targetGroups = this.blueGreen ? [this.targetGroup, this.blueGreen.alternateTargetGroup] : [this.targetGroup];
    this.loadBalancer.addRedirect({
      sourcePort: 80,
      sourceProtocol: elbv2.ApplicationProtocol.HTTP,
      targetPort: 443,
      targetProtocol: elbv2.ApplicationProtocol.HTTPS,
      // The security group above already admits port 80 from IPv4 and IPv6.
      open: false,
    });

    const aliasTarget = route53.RecordTarget.fromAlias(new targets.LoadBalancerTarget(this.loadBalancer));
    const recordName = props.domainName;
    new route53.ARecord(this, 'AliasA', { zone, recordName, target: aliasTarget });
    new route53.AaaaRecord(this, 'AliasAaaa', { zone, recordName, target: aliasTarget });

    this.url = `https://${props.domainName}`;
  }

  private addBlueGreenRules(testClientCidrs: string[], alternateTargetGroup: elbv2.ApplicationTargetGroup): BlueGreenRouting {
    if (testClientCidrs.length === 0) throw new Error('blueGreen.testClientCidrs must name at least one address');
    // Both target groups in both rules (green at weight 0), so both belong to this load
    // balancer; ECS moves the weights during a deployment.
    const forwardBoth = () => elbv2.ListenerAction.weightedForward([
      { targetGroup: this.targetGroup, weight: 100 },
      { targetGroup: alternateTargetGroup, weight: 0 },
    ]);
    const testRule = new elbv2.ApplicationListenerRule(this, 'TestRule', {
      listener: this.httpsListener,
      priority: TEST_RULE_PRIORITY,
      conditions: [elbv2.ListenerCondition.sourceIps(testClientCidrs)],
      action: forwardBoth(),
    });
    const productionRule = new elbv2.ApplicationListenerRule(this, 'ProductionRule', {
      listener: this.httpsListener,
      priority: PRODUCTION_RULE_PRIORITY,
      conditions: [elbv2.ListenerCondition.pathPatterns(['/*'])],
      action: forwardBoth(),
    });
    return { alternateTargetGroup, productionRule, testRule };
  }
}
