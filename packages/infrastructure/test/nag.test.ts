/**
 * cdk-nag 3 (AwsSolutions) runs as a validation plugin of the app: no finding may be left
 * unacknowledged, and every acknowledgement carries a reason.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { createGatewayApp } from '../lib/app.js';
import { cdkJsonContext, FIXTURE_CONTEXT, synthesize, type Synthesized } from './support/fixture.js';

interface Report {
  pluginReports: { pluginName: string; violations: { ruleName: string; severity: string }[] }[];
}

let synth: Synthesized;
beforeAll(() => {
  synth = synthesize();
});
afterAll(() => synth?.dispose());

function acknowledgements(): { path: string; id: string; reason: unknown }[] {
  const found: { path: string; id: string; reason: unknown }[] = [];
  for (const construct of synth.app.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, unknown>)) {
        found.push({ path: construct.node.path, id, reason });
      }
    }
  }
  return found;
}

describe('cdk-nag AwsSolutions', () => {
  it('leaves no finding unacknowledged, of any severity', () => {
    const reportPath = path.join(synth.outdir, 'validation-report.json');
    const report: Report = existsSync(reportPath) ? JSON.parse(readFileSync(reportPath, 'utf8')) as Report : { pluginReports: [] };
    const open = report.pluginReports
      .filter((r) => r.pluginName === 'AwsSolutions')
      .flatMap((r) => r.violations.map((v) => `${v.severity} ${v.ruleName}`));
    expect(open).toEqual([]);
  });

  it('gives every acknowledgement a reason', () => {
    const acks = acknowledgements();
    // Ours; aws-cdk-lib acknowledges a few CloudFormation-Validate rules inside its own constructs.
    const nag = acks.map((a) => a.id.replace(/^annotation::/i, '')).filter((id) => id.startsWith('AwsSolutions-'));
    expect(nag.sort()).toEqual([
      'AwsSolutions-EC23',
      'AwsSolutions-ECS2',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers]',
      // The task execution role (ecr:GetAuthorizationToken), the release hook's role (its network
      // interfaces), the task role (X-Ray, for the telemetry collector) and the canary's role
      // (cloudwatch:PutMetricData, conditioned on the namespace).
      'AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions-IAM5[Resource::*]',
      // The collector's log streams within the metrics log group.
      'AwsSolutions-IAM5[Resource::<TelemetryMetricsLogsC5760B77.Arn>:*]',
      // The broker secret, by name: its grant ends in the suffix wildcard of that one name.
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:neonpanel-mcp/NeonPanelMcpGateway/broker-??????]',
      'AwsSolutions-S1',
      // The cache user's password: ElastiCache RBAC passwords have no Secrets Manager rotation.
      'AwsSolutions-SMG4',
    ]);
    for (const ack of acks) {
      expect(typeof ack.reason).toBe('string');
      // A reason is a sentence that explains, not a placeholder.
      expect((ack.reason as string).trim().length).toBeGreaterThanOrEqual(40);
    }
  });

  it('is really running: an unacknowledged finding fails the synth', () => {
    const gateway = createGatewayApp({
      builtinCloudFormationValidation: false,
      context: { ...cdkJsonContext(), ...FIXTURE_CONTEXT },
      env: {},
    });
    new s3.Bucket(gateway.stack, 'UnloggedBucket');
    expect(() => gateway.app.synth()).toThrow(/AwsSolutions-S1/);
  });
});
