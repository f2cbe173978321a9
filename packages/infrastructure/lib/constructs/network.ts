/**
 * The VPC: public subnets for the load balancer, private subnets (egress through NAT) for
 * the tasks, so no task has a public address. Dual-stack, because the public name has an
 * AAAA record and the ALB must answer on IPv6.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface NetworkProps {
  /** Zones to span; empty means the region's first two through Fn::GetAZs. */
  availabilityZones: string[];
  /** NAT gateways (at most one per zone). */
  natGateways: number;
  /** Retention of the VPC flow-log group, in days. */
  flowLogRetention: logs.RetentionDays;
}

export class Network extends Construct {
  readonly vpc: ec2.Vpc;
  /**
   * The NAT gateways' public IPv4 addresses: what the internet (and the ALB) sees as the
   * source of any request from the private subnets. The release hook's test rule admits these.
   */
  readonly natPublicIps: string[];

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ...(props.availabilityZones.length > 0 ? { availabilityZones: props.availabilityZones } : { maxAzs: 2 }),
      natGateways: props.natGateways,
      ipProtocol: ec2.IpProtocol.DUAL_STACK,
      // Restricting the default security group needs a custom-resource Lambda; nothing here
      // uses the default group, so it stays as created.
      restrictDefaultSecurityGroup: false,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
      ],
    });

    // The VPC's own NAT gateway construct names its address 'EIP' in each public subnet; found
    // rather than created here so existing stacks keep their addresses.
    this.natPublicIps = this.vpc.publicSubnets.flatMap((subnet) => {
      const eip = subnet.node.tryFindChild('EIP');
      return eip instanceof ec2.CfnEIP ? [eip.attrPublicIp] : [];
    });
    if (this.natPublicIps.length !== props.natGateways) {
      throw new Error(`Expected ${String(props.natGateways)} NAT gateway addresses in the public subnets, found ${String(this.natPublicIps.length)}`);
    }

    const flowLogs = new logs.LogGroup(this, 'FlowLogs', {
      retention: props.flowLogRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs),
      trafficType: ec2.FlowLogTrafficType.ALL,
      maxAggregationInterval: ec2.FlowLogMaxAggregationInterval.TEN_MINUTES,
    });
  }
}
