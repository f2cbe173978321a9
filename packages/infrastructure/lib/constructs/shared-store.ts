/**
 * The gateway's shared state (sessions, idempotency records, per-user limit counters, the
 * pub/sub that routes legacy SSE answers): ElastiCache Serverless for Valkey in the private
 * subnets. TLS is always on for serverless caches; access is RBAC with one password user
 * whose password Secrets Manager generates and ECS injects as REDIS_PASSWORD (the URL the
 * container gets carries only the user name). Its security group admits only what is
 * passed to `allowFrom` (the gateway tasks), on the cache port.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/** ElastiCache Serverless listens here (6380 is its reader endpoint). */
export const CACHE_PORT = 6379;

export interface SharedStoreProps {
  vpc: ec2.IVpc;
  /** Cache name. @default derived from the stack name */
  name?: string;
  /** Valkey major version. @default '8' */
  majorEngineVersion?: string;
  /** The user the gateway authenticates as. @default 'mcp-gateway' */
  userName?: string;
  /** Usage limit of stored data, in GB. @default 5 */
  dataStorageMaxGb?: number;
  /** Usage limit of ElastiCache Processing Units per second. @default 10000 */
  ecpuPerSecondMax?: number;
}

export class SharedStore extends Construct {
  readonly securityGroup: ec2.SecurityGroup;
  readonly cache: elasticache.CfnServerlessCache;
  readonly secret: secretsmanager.Secret;
  readonly userName: string;

  constructor(scope: Construct, id: string, props: SharedStoreProps) {
    super(scope, id);
    this.userName = props.userName ?? 'mcp-gateway';
    const name = (props.name ?? `${Stack.of(this).stackName}-state`).toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 40);

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'MCP gateway shared state (Valkey): the gateway tasks only, on the cache port',
      allowAllOutbound: false,
    });

    // No punctuation: the password travels in AUTH, and ElastiCache refuses some symbols.
    this.secret = new secretsmanager.Secret(this, 'Password', {
      description: 'MCP gateway: password of its ElastiCache (Valkey) user',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ username: this.userName }),
        generateStringKey: 'password',
        excludePunctuation: true,
        passwordLength: 64,
      },
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'ElastiCache has no Secrets Manager rotation integration for RBAC user passwords; rotating means ModifyUser plus a task restart, done by hand (RUNBOOK "Sessions and task count").',
    });

    const userId = `${name}-user`.slice(0, 40);
    const user = new elasticache.CfnUser(this, 'User', {
      engine: 'valkey',
      userId,
      userName: this.userName,
      // Keys, channels and commands under the gateway's prefix only; nothing administrative.
      accessString: 'on ~mcp:* &mcp:* +@all -@dangerous',
      authenticationMode: { Type: 'password', Passwords: [this.secret.secretValueFromJson('password').unsafeUnwrap()] },
    });
    // A user group must hold a user named `default` (the CloudFormation documentation requires
    // one); it is the identity of a connection that never AUTHs, so it is switched off and may
    // run nothing. Without a password: an `off` user cannot sign in with any.
    const defaultUserId = `${name}-default`.slice(0, 40);
    const defaultUser = new elasticache.CfnUser(this, 'DefaultUser', {
      engine: 'valkey',
      userId: defaultUserId,
      userName: 'default',
      accessString: 'off -@all',
      authenticationMode: { Type: 'no-password-required' },
    });
    const userGroup = new elasticache.CfnUserGroup(this, 'UserGroup', {
      engine: 'valkey',
      userGroupId: `${name}-users`.slice(0, 40),
      userIds: [defaultUserId, userId],
    });
    userGroup.addResourceDependency(user);
    userGroup.addResourceDependency(defaultUser);

    this.cache = new elasticache.CfnServerlessCache(this, 'Cache', {
      serverlessCacheName: name,
      engine: 'valkey',
      majorEngineVersion: props.majorEngineVersion ?? '8',
      description: 'MCP gateway shared state: sessions, idempotency records, rate limits, SSE routing',
      subnetIds: props.vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnetIds,
      securityGroupIds: [this.securityGroup.securityGroupId],
      userGroupId: userGroup.userGroupId,
      // Bounds on what a runaway key pattern or request loop can cost: writes are refused at
      // the storage limit and commands throttled above the ECPU rate, instead of scaling on.
      cacheUsageLimits: {
        dataStorage: { maximum: props.dataStorageMaxGb ?? 5, unit: 'GB' },
        ecpuPerSecond: { maximum: props.ecpuPerSecondMax ?? 10_000 },
      },
    });
    this.cache.addResourceDependency(userGroup);
  }

  /** Lets `peer` (the gateway tasks) reach the cache, and nothing else. */
  allowFrom(peer: ec2.IConnectable): void {
    this.securityGroup.connections.allowFrom(peer, ec2.Port.tcp(CACHE_PORT), 'Valkey (TLS) from the gateway tasks');
  }

  /** REDIS_URL for the container: TLS (`rediss://`), the user name, no password. */
  get url(): string {
    return `rediss://${this.userName}@${this.cache.attrEndpointAddress}:${this.cache.attrEndpointPort}`;
  }

  /**
   * The container's variables for it: REDIS_URL, and REDIS_MODE=cluster because ElastiCache
   * Serverless has cluster semantics (hash slots, MOVED), so the server uses ioredis' Cluster.
   */
  get environment(): Record<string, string> {
    return { REDIS_URL: this.url, REDIS_MODE: 'cluster' };
  }

  /** REDIS_PASSWORD for the container, from Secrets Manager. */
  get passwordSecret(): ecs.Secret {
    return ecs.Secret.fromSecretsManager(this.secret, 'password');
  }
}
