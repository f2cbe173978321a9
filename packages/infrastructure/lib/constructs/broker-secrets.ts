/**
 * The broker's secret settings (issue 25): one Secrets Manager secret, referred to by name,
 * whose JSON keys ECS injects as NEONPANEL_CLIENT_ID, NEONPANEL_CLIENT_SECRET,
 * BROKER_VAULT_KEY and BROKER_SIGNING_KEYS. The task's execution role may read that secret and
 * no other; the task itself gets nothing (the values arrive as its environment).
 *
 * Why not a secret of the stack: the server refuses to start without them, so they must hold
 * real values (NeonPanel's registration, generated keys) before the first task of the first
 * deployment; a secret CloudFormation creates in that same deployment would still be empty, and
 * a rollback of that deployment would delete it. The operator commands create and fill it.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { BROKER_SECRET_KEYS, type BrokerSecretKey } from '../broker.js';

export interface BrokerSecretsProps {
  /** The secret's name (not an ARN): IAM and ECS match its random suffix. */
  secretName: string;
}

export class BrokerSecrets extends Construct {
  readonly secret: secretsmanager.ISecret;

  constructor(scope: Construct, id: string, props: BrokerSecretsProps) {
    super(scope, id);
    this.secret = secretsmanager.Secret.fromSecretNameV2(this, 'Secret', props.secretName);
  }

  /** One ECS secret per key, all from this secret. */
  containerSecrets(): Record<BrokerSecretKey, ecs.Secret> {
    return Object.fromEntries(BROKER_SECRET_KEYS.map((key) => [key, ecs.Secret.fromSecretsManager(this.secret, key)])) as Record<BrokerSecretKey, ecs.Secret>;
  }

  /** cdk-nag: the execution role's grant names this secret with IAM's suffix wildcard. */
  acknowledgeGrant(role: Construct): void {
    const stack = Stack.of(this);
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${this.secret.secretName}-??????]`,
      reason: `The broker secret is referred to by name, so the grant ends in "-??????": the six random characters Secrets Manager appends to this one name (${stack.stackName}), no other secret.`,
    });
  }
}
