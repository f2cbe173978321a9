/**
 * The gateway's deployment settings: one typed object with documented defaults, validated
 * before any construct is built so a bad value fails `cdk synth` with a message naming it.
 *
 * Deliberately free of constructs: the smoke test and the operator tools import it without
 * synthesizing anything.
 */

import { defaultBrokerSecretName } from './broker.js';

export type CpuArchitecture = 'X86_64' | 'ARM64';
export type SessionMode = 'stateful' | 'stateless';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
/**
 * How ECS replaces tasks on a deploy. `blue-green`: the new revision runs beside the old one,
 * the auth matrix runs against it through the test listener rule before any production
 * traffic shifts, and ECS itself rolls back when that hook fails. `rolling`: 100 % → 200 %
 * in place, for accounts or regions where ECS blue/green is not available; the operator tool
 * then gates after the fact (`pnpm run deploy` rolls back by task-definition revision).
 */
export type DeploymentStrategyName = 'blue-green' | 'rolling';
export const DEPLOYMENT_STRATEGIES: readonly DeploymentStrategyName[] = ['blue-green', 'rolling'];
export type OAuthProfile = 'neonpanel' | 'standard';
/**
 * AUTH_MODE. `broker`: the gateway is the authorization server MCP clients see, signs users in
 * at NeonPanel with one confidential client and issues its own audience-bound tokens (issue 25).
 * `direct`: clients bring tokens of the issuer itself, as before.
 */
export type AuthMode = 'broker' | 'direct';

/** Where state shared across tasks lives. */
export type SharedStoreKind = 'valkey' | 'none';

export interface GatewayConfig {
  /** CloudFormation stack name. @default 'NeonPanelMcpGateway' */
  stackName: string;
  /** AWS region the stack deploys to; the ALB access-log bucket policy needs a concrete one. @default CDK_DEFAULT_REGION, else 'us-east-1' */
  region: string;
  /** Account to deploy to. @default CDK_DEFAULT_ACCOUNT (undefined when offline: the template is account-agnostic) */
  account: string | undefined;
  /**
   * Availability zones for the VPC. Pinned names make the template fixed; when empty the
   * stack uses the region's first two zones through `Fn::GetAZs`, so synth never looks anything up.
   * @default [] (first two zones of the region)
   */
  availabilityZones: string[];
  /** NAT gateways; one per zone keeps egress up when a zone fails. @default 2 */
  natGateways: number;

  /** Public host name of the gateway. @default 'mcp.neonpanel.com' */
  domainName: string;
  /** Route 53 hosted zone id holding `domainName` (no lookups: it must be given). Required. */
  hostedZoneId: string;
  /** Name of that hosted zone. @default the parent domain of `domainName` ('neonpanel.com') */
  hostedZoneName: string;

  /** NeonPanel API base (NEONPANEL_API_BASE). @default 'https://my.neonpanel.com' */
  neonpanelApiBase: string;
  /** AUTH_MODE (see `AuthMode`). @default 'broker' */
  authMode: AuthMode;
  /**
   * broker only: name of the Secrets Manager secret holding NEONPANEL_CLIENT_ID,
   * NEONPANEL_CLIENT_SECRET, BROKER_VAULT_KEY and BROKER_SIGNING_KEYS as JSON keys (ECS injects
   * each; RUNBOOK "Registering at NeonPanel" fills it). Not part of the stack: it must be filled
   * before the first task starts. @default 'neonpanel-mcp/<stackName>/broker'
   */
  brokerSecretName: string;
  /** OAuth issuer (OAUTH_ISSUER). @default 'https://my.neonpanel.com' */
  oauthIssuer: string;
  /**
   * How the server reads the issuer's tokens (OAUTH_PROFILE): `neonpanel` for NeonPanel's
   * authorization server (only `openid`, no RFC 8707 audience), `standard` for an RFC 8707
   * server issuing the tools' fine-grained scopes. @default 'neonpanel'
   */
  oauthProfile: OAuthProfile;
  /**
   * JWKS URI (OAUTH_JWKS_URI), only to override discovery: without it the server reads
   * `jwks_uri` from the issuer's metadata (RFC 8414, then OpenID discovery). @default undefined (discovered)
   */
  oauthJwksUri: string | undefined;
  /** Accepted `aud` values (OAUTH_AUDIENCE). @default [] (the server derives them from the public URL) */
  oauthAudience: string[];
  /** Scopes advertised and enforced (OAUTH_SCOPES). @default [] (the server's built-in list) */
  oauthScopes: string[];
  /** Token introspection endpoint (OAUTH_INTROSPECTION_URL). @default undefined (JWT only) */
  oauthIntrospectionUrl: string | undefined;
  /** Client id for introspection / token exchange (OAUTH_CLIENT_ID). @default undefined */
  oauthClientId: string | undefined;
  /**
   * Complete ARN of a Secrets Manager secret holding OAUTH_CLIENT_SECRET. Injected by ECS
   * from Secrets Manager; never a plain environment variable. @default undefined
   */
  oauthClientSecretArn: string | undefined;
  /**
   * MCP_SESSION_MODE. @default 'stateless': sessions live in one task's memory and the ALB
   * cannot route by Mcp-Session-Id, so with more than one task only stateless Streamable
   * HTTP is reliable (see RUNBOOK.md on sessions and task count).
   */
  sessionMode: SessionMode;
  /**
   * Shared state across tasks (sessions, idempotency records, per-user limits, SSE routing):
   * `valkey` runs an ElastiCache Serverless (Valkey) cache and sets REDIS_URL; `none` keeps
   * state in each task's memory (then the ALB's cookie stickiness is on, as before).
   * @default 'valkey'
   */
  sharedStore: SharedStoreKind;
  /**
   * Usage limit of the serverless cache's stored data, in GB: a runaway key pattern is refused
   * writes at the limit instead of growing the bill. The gateway's state (sessions, idempotency
   * records, limit counters, broker grants) is small. ElastiCache accepts 1-5000. @default 5
   */
  cacheDataStorageMaxGb: number;
  /**
   * Usage limit of the serverless cache's ElastiCache Processing Units per second: the cache is
   * throttled above it rather than scaling without bound. ElastiCache accepts 1000-15000000.
   * @default 10000
   */
  cacheEcpuPerSecondMax: number;
  /** LOG_LEVEL. @default 'info' */
  logLevel: LogLevel;
  /**
   * MCP_TOOLSETS: `default`, `all`, or toolset names (account, documents, payments, …). The
   * server checks the names at start-up; here only their form. @default ['default'] (the server's default)
   */
  toolsets: string[];
  /** MCP_READ_ONLY: publish no tool that writes. @default false */
  readOnly: boolean;
  /**
   * ECS Exec into the gateway container, for operator commands run inside a task (the broker's
   * `revoke`, RUNBOOK "Revoking one user's grants"). Off unless needed: a shell in production
   * is an access path. @default false
   */
  executeCommand: boolean;
  /**
   * Further server variables (see packages/server/src/config.ts), e.g. UPSTREAM_AUTH.
   * Variables the stack owns and OAUTH_CLIENT_SECRET are refused here. @default {}
   */
  extraEnvironment: Record<string, string>;

  /** Tasks the service asks for at deploy time (each deploy resets the count to it). @default minTasks */
  desiredCount: number;
  /** Autoscaling floor. @default 2 */
  minTasks: number;
  /** Autoscaling ceiling. @default 6 */
  maxTasks: number;
  /** Target average CPU for scaling, in percent. @default 60 */
  cpuTargetPercent: number;
  /** Target ALB requests per task per minute for scaling. @default 1000 */
  requestsPerTarget: number;
  /** Fargate task CPU units. @default 512 */
  cpu: number;
  /** Fargate task memory (MiB); must be valid for `cpu`. @default 1024 */
  memoryMiB: number;
  /** CPU architecture of the task and of the image build. @default 'X86_64' */
  cpuArchitecture: CpuArchitecture;

  /** Retention of the application log group, in days (a CloudWatch Logs value). @default 30 */
  logRetentionDays: number;
  /**
   * Explicit name of the application log group. Without one CloudFormation names it after the
   * stack, so a stack destroyed (the group is retained) can be deployed again: a fixed name
   * would collide with the retained group. The stack outputs the name either way.
   * @default undefined (generated, includes the stack name)
   */
  logGroupName: string | undefined;
  /** Days ALB access logs are kept in S3. @default 90 */
  accessLogRetentionDays: number;
  /** Task-definition family; the operator tools roll back within it. @default 'neonpanel-mcp-gateway' */
  taskDefinitionFamily: string;

  /** ALB idle timeout in seconds; long enough for SSE streams. Passed as ALB_IDLE_TIMEOUT_SECONDS. @default 3600 */
  albIdleTimeoutSeconds: number;
  /**
   * Server drain deadline in seconds (SHUTDOWN_DRAIN_MS). The target group's deregistration
   * delay equals it; the container's stop timeout adds 5 s so SIGKILL never cuts the drain.
   * @default 25
   */
  drainSeconds: number;
  /** Target 5xx plus ALB 5xx per minute that raises the deployment alarm. @default 10 */
  alarm5xxThreshold: number;
  /** Consecutive one-minute periods over threshold before the alarm fires. @default 2 */
  alarmEvaluationPeriods: number;
  /** p95 ALB target response time, in seconds, that raises the (notify-only) latency alarm. @default 5 */
  latencyAlarmSeconds: number;
  /** Consecutive 5-minute periods over it before the latency alarm fires. @default 3 */
  latencyAlarmEvaluationPeriods: number;

  /** Deployment strategy (see `DeploymentStrategyName`). @default 'blue-green' */
  deploymentStrategy: DeploymentStrategyName;
  /**
   * blue-green only: minutes the old revision stays up after production traffic has shifted,
   * while the deployment alarms still watch; a rollback within it is only a rule switch.
   * @default 10
   */
  bakeTimeMinutes: number;
  /**
   * blue-green only: complete ARN of a Secrets Manager secret holding the real access token(s)
   * the release hook uses for the matrix's real-token cases: either the token itself, or JSON
   * `{"token": "…", "limitedToken": "…"}`. @default undefined (token-less cases only)
   */
  releaseHookTokenSecretArn: string | undefined;
  /**
   * blue-green only: a tool the secret's `limitedToken` lacks the scope for; with both, the
   * matrix's scope case checks that calling it answers 403 insufficient_scope.
   * @default undefined (the scope case is skipped)
   */
  releaseHookScopeProbeTool: string | undefined;

  /**
   * Metrics and traces: an AWS Distro for OpenTelemetry collector runs as a sidecar in each
   * task; the server sends it OTLP on loopback (TELEMETRY=otlp), and it writes CloudWatch
   * metrics (EMF) and X-Ray traces. `false` drops the sidecar, the dashboard and its alarms.
   * @default true
   */
  telemetry: boolean;
  /** The collector image, pinned. @default 'public.ecr.aws/aws-observability/aws-otel-collector:v0.43.3' */
  collectorImage: string;
  /** CloudWatch namespace of the gateway's own metrics. @default 'NeonPanelMcp' */
  metricsNamespace: string;
  /**
   * Auth failures that point at a fault rather than normal client behaviour (bad signature,
   * unknown key, wrong issuer or audience, malformed, verifier unavailable, NeonPanel rejecting
   * a token we accepted), summed over 5 minutes across tasks, that raise the alarm. `missing`,
   * `expired` and `insufficient_scope` are excluded: every OAuth client produces them.
   * @default 50
   */
  authFailureAlarmThreshold: number;
  /** NeonPanel calls failing (5xx, timeout, network) in percent over 5 minutes that raise the alarm. @default 10 */
  upstreamErrorRateAlarmPercent: number;
  /** Fewer NeonPanel calls than this in 5 minutes never raise the error-rate alarm (one failure of three is not an incident). @default 20 */
  upstreamErrorAlarmMinCalls: number;
  /** Consecutive 5-minute periods over threshold before either telemetry alarm fires. @default 2 */
  telemetryAlarmEvaluationPeriods: number;

  /**
   * The scheduled canary: the release gate's matrix against the public URL, publishing
   * CanaryCasesFailed and CanaryLatency; its real-token cases run on `releaseHookTokenSecretArn`
   * when set. @default true
   */
  canary: boolean;
  /**
   * Complete ARN of the canary's token secret (same forms as `releaseHookTokenSecretArn`). Give
   * the canary a grant of its own when the gate secret holds a broker refresh token: two
   * functions redeeming one rotating refresh token race, and reuse detection revokes the grant.
   * @default releaseHookTokenSecretArn
   */
  canaryTokenSecretArn: string | undefined;
  /** Minutes between canary runs (1-60). @default 5 */
  canaryIntervalMinutes: number;
  /**
   * An address subscribed to the stack's alarm topic (it must confirm by mail). @default undefined
   */
  alarmEmail: string | undefined;
  /**
   * Complete ARN of an existing SNS topic the alarms notify, instead of the stack's own.
   * @default undefined (the stack creates one)
   */
  alarmTopicArn: string | undefined;
}

export const DEFAULT_STACK_NAME = 'NeonPanelMcpGateway';
/** Where the collector sidecar receives OTLP/HTTP, on the task's loopback only. */
export const COLLECTOR_OTLP_HTTP_PORT = 4318;
/** Environment fallback for the hosted zone id, so CI can synth without editing cdk.json. */
export const HOSTED_ZONE_ID_ENV = 'NEONPANEL_MCP_HOSTED_ZONE_ID';
export const DEFAULT_DOMAIN = 'mcp.neonpanel.com';
/** The port the server listens on in the container (PORT); the Dockerfile EXPOSEs the same. */
export const CONTAINER_PORT = 3030;

/** Names of variables the stack sets itself; `extraEnvironment` may not override them. */
export const STACK_OWNED_VARIABLES = [
  'NODE_ENV', 'PORT', 'HOST', 'PUBLIC_BASE_URL', 'NEONPANEL_API_BASE', 'OAUTH_ISSUER', 'OAUTH_PROFILE', 'OAUTH_JWKS_URI',
  'OAUTH_AUDIENCE', 'OAUTH_SCOPES', 'OAUTH_INTROSPECTION_URL', 'OAUTH_CLIENT_ID', 'OAUTH_CLIENT_SECRET',
  'TRUST_PROXY', 'SHUTDOWN_DRAIN_MS', 'ALB_IDLE_TIMEOUT_SECONDS', 'LOG_LEVEL', 'MCP_SESSION_MODE',
  'MCP_TOOLSETS', 'MCP_READ_ONLY', 'AUTH_MODE', 'REDIS_MODE',
  'NEONPANEL_CLIENT_ID', 'NEONPANEL_CLIENT_SECRET', 'BROKER_VAULT_KEY', 'BROKER_SIGNING_KEYS',
] as const;

/** CloudWatch Logs accepts only these retention periods. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Valid Fargate memory sizes (MiB) for each CPU size (Linux). */
const FARGATE_MEMORY: Record<number, { min: number; max: number; step: number; extra?: number[] }> = {
  256: { min: 1024, max: 2048, step: 1024, extra: [512] },
  512: { min: 1024, max: 4096, step: 1024 },
  1024: { min: 2048, max: 8192, step: 1024 },
  2048: { min: 4096, max: 16384, step: 1024 },
  4096: { min: 8192, max: 30720, step: 1024 },
  8192: { min: 16384, max: 61440, step: 4096 },
  16384: { min: 32768, max: 122880, step: 8192 },
};

export class GatewayConfigError extends Error {
  constructor(readonly setting: string, detail: string) {
    super(`Invalid gateway setting ${setting}: ${detail}`);
    this.name = 'GatewayConfigError';
  }
}

/** What a caller may give; everything but the hosted zone id has a default. */
export type GatewayConfigInput = Partial<GatewayConfig> & Pick<GatewayConfig, 'hostedZoneId'>;

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const HOSTED_ZONE_ID = /^Z[A-Z0-9]{1,31}$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$/;
const ENV_NAME = /^[A-Z][A-Z0-9_]*$/;
const FAMILY = /^[A-Za-z0-9_-]{1,255}$/;
const LOG_GROUP = /^[.\-_/#A-Za-z0-9]{1,512}$/;
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;
// Deliberately loose: SNS is the judge of an address; this only catches a value that is not one.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function httpsUrl(setting: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new GatewayConfigError(setting, `must be an absolute https URL, got "${value}"`);
  }
  if (url.protocol !== 'https:') throw new GatewayConfigError(setting, `must use https, got "${value}"`);
  return value.replace(/\/+$/, '');
}

function intIn(setting: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new GatewayConfigError(setting, `must be an integer between ${min} and ${max}, got ${String(value)}`);
  }
  return value;
}

function parentDomain(domain: string): string {
  const dot = domain.indexOf('.');
  return dot === -1 ? domain : domain.slice(dot + 1);
}

function validateFargateSize(cpu: number, memoryMiB: number): void {
  const sizes = FARGATE_MEMORY[cpu];
  if (!sizes) {
    throw new GatewayConfigError('cpu', `must be one of ${Object.keys(FARGATE_MEMORY).join(', ')}, got ${String(cpu)}`);
  }
  const inRange = memoryMiB >= sizes.min && memoryMiB <= sizes.max && (memoryMiB - sizes.min) % sizes.step === 0;
  if (!inRange && !(sizes.extra ?? []).includes(memoryMiB)) {
    throw new GatewayConfigError('memoryMiB', `${String(memoryMiB)} is not a valid Fargate memory size for cpu ${String(cpu)} (${String(sizes.min)}-${String(sizes.max)} in steps of ${String(sizes.step)})`);
  }
}

/** Fills in defaults and validates every setting; throws `GatewayConfigError` naming the first bad one. */
export function resolveConfig(input: GatewayConfigInput, env: Record<string, string | undefined> = {}): GatewayConfig {
  const domainName = (input.domainName ?? DEFAULT_DOMAIN).toLowerCase();
  if (!HOSTNAME.test(domainName)) throw new GatewayConfigError('domainName', `"${domainName}" is not a host name`);
  const hostedZoneName = (input.hostedZoneName ?? parentDomain(domainName)).toLowerCase().replace(/\.$/, '');
  if (domainName !== hostedZoneName && !domainName.endsWith(`.${hostedZoneName}`)) {
    throw new GatewayConfigError('hostedZoneName', `"${domainName}" is not inside the zone "${hostedZoneName}"`);
  }
  if (typeof input.hostedZoneId !== 'string' || !HOSTED_ZONE_ID.test(input.hostedZoneId)) {
    throw new GatewayConfigError('hostedZoneId', input.hostedZoneId === undefined
      ? `is required: pass -c hostedZoneId=Z… (or set ${HOSTED_ZONE_ID_ENV})`
      : `must look like Z0123456789ABCDEFGHIJ, got "${String(input.hostedZoneId)}"`);
  }

  const oauthIssuer = httpsUrl('oauthIssuer', input.oauthIssuer ?? 'https://my.neonpanel.com');
  const oauthIntrospectionUrl = input.oauthIntrospectionUrl === undefined ? undefined : httpsUrl('oauthIntrospectionUrl', input.oauthIntrospectionUrl);
  // No guessed default: the server discovers `jwks_uri` from the issuer's metadata.
  const oauthJwksUri = input.oauthJwksUri === undefined ? undefined : httpsUrl('oauthJwksUri', input.oauthJwksUri);
  // The server refuses to start when OAUTH_AUDIENCE leaves out a resource it advertises
  // (packages/server/src/config.ts); fail here, at synth, instead of at deploy.
  const advertisedResources = ['', '/mcp', '/sse'].map((p) => `https://${domainName}${p}`);
  const missingResources = (input.oauthAudience ?? []).length === 0 ? [] : advertisedResources.filter((r) => !input.oauthAudience!.includes(r));
  if (missingResources.length > 0) {
    throw new GatewayConfigError('oauthAudience', `must include every resource the server advertises; missing ${missingResources.join(', ')}`);
  }
  const oauthProfile = input.oauthProfile ?? 'neonpanel';
  if (oauthProfile !== 'neonpanel' && oauthProfile !== 'standard') {
    throw new GatewayConfigError('oauthProfile', `must be neonpanel or standard, got "${String(oauthProfile)}"`);
  }
  if (oauthIntrospectionUrl && !input.oauthClientId) {
    throw new GatewayConfigError('oauthClientId', 'is required when oauthIntrospectionUrl is set');
  }
  if (input.oauthClientSecretArn !== undefined && !SECRET_ARN.test(input.oauthClientSecretArn)) {
    throw new GatewayConfigError('oauthClientSecretArn', 'must be the complete ARN of a Secrets Manager secret (ending in the 6-character suffix)');
  }
  if (input.releaseHookTokenSecretArn !== undefined && !SECRET_ARN.test(input.releaseHookTokenSecretArn)) {
    throw new GatewayConfigError('releaseHookTokenSecretArn', 'must be the complete ARN of a Secrets Manager secret (ending in the 6-character suffix)');
  }
  if (input.releaseHookScopeProbeTool !== undefined && !/^[A-Za-z0-9_-]{1,128}$/.test(input.releaseHookScopeProbeTool)) {
    throw new GatewayConfigError('releaseHookScopeProbeTool', `"${input.releaseHookScopeProbeTool}" is not a tool name`);
  }
  if (input.canaryTokenSecretArn !== undefined && !SECRET_ARN.test(input.canaryTokenSecretArn)) {
    throw new GatewayConfigError('canaryTokenSecretArn', 'must be the complete ARN of a Secrets Manager secret (ending in the 6-character suffix)');
  }
  const authMode = input.authMode ?? 'broker';
  if (authMode !== 'broker' && authMode !== 'direct') throw new GatewayConfigError('authMode', `must be broker or direct, got "${String(authMode)}"`);
  const deploymentStrategy = input.deploymentStrategy ?? 'blue-green';
  if (!DEPLOYMENT_STRATEGIES.includes(deploymentStrategy)) {
    throw new GatewayConfigError('deploymentStrategy', `must be one of ${DEPLOYMENT_STRATEGIES.join(', ')}, got "${String(deploymentStrategy)}"`);
  }

  const extraEnvironment = { ...(input.extraEnvironment ?? {}) };
  for (const [name, value] of Object.entries(extraEnvironment)) {
    if (!ENV_NAME.test(name)) throw new GatewayConfigError('extraEnvironment', `"${name}" is not an environment variable name`);
    if ((STACK_OWNED_VARIABLES as readonly string[]).includes(name)) {
      throw new GatewayConfigError('extraEnvironment', `${name} is set by the stack${name === 'OAUTH_CLIENT_SECRET' ? ' from Secrets Manager (oauthClientSecretArn)' : ''}; use its own setting`);
    }
    if (/SECRET|PASSWORD|TOKEN$|PRIVATE_KEY|_KEYS?$/.test(name)) {
      throw new GatewayConfigError('extraEnvironment', `${name} looks like a secret; secrets come from Secrets Manager, not plain variables`);
    }
    if (typeof value !== 'string') throw new GatewayConfigError('extraEnvironment', `${name} must be a string`);
  }

  const minTasks = intIn('minTasks', input.minTasks ?? 2, 1, 100);
  const maxTasks = intIn('maxTasks', input.maxTasks ?? 6, 1, 100);
  if (maxTasks < minTasks) throw new GatewayConfigError('maxTasks', `(${String(maxTasks)}) must be at least minTasks (${String(minTasks)})`);
  const desiredCount = intIn('desiredCount', input.desiredCount ?? minTasks, 1, 100);
  if (desiredCount < minTasks || desiredCount > maxTasks) {
    throw new GatewayConfigError('desiredCount', `(${String(desiredCount)}) must lie between minTasks (${String(minTasks)}) and maxTasks (${String(maxTasks)})`);
  }
  const cpu = input.cpu ?? 512;
  const memoryMiB = input.memoryMiB ?? 1024;
  validateFargateSize(cpu, memoryMiB);

  const logRetentionDays = input.logRetentionDays ?? 30;
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(logRetentionDays)) {
    throw new GatewayConfigError('logRetentionDays', `must be one of ${LOG_RETENTION_DAYS.join(', ')}, got ${String(logRetentionDays)}`);
  }
  const logGroupName = input.logGroupName;
  if (logGroupName !== undefined && !LOG_GROUP.test(logGroupName)) throw new GatewayConfigError('logGroupName', `"${logGroupName}" is not a log group name`);
  const taskDefinitionFamily = input.taskDefinitionFamily ?? 'neonpanel-mcp-gateway';
  if (!FAMILY.test(taskDefinitionFamily)) throw new GatewayConfigError('taskDefinitionFamily', `"${taskDefinitionFamily}" is not a task-definition family name`);

  const sharedStore = input.sharedStore ?? 'valkey';
  if (sharedStore !== 'valkey' && sharedStore !== 'none') throw new GatewayConfigError('sharedStore', 'must be valkey or none');
  const sessionMode = input.sessionMode ?? 'stateless';
  if (sessionMode !== 'stateful' && sessionMode !== 'stateless') throw new GatewayConfigError('sessionMode', 'must be stateful or stateless');
  const logLevel = input.logLevel ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace'].includes(logLevel)) {
    throw new GatewayConfigError('logLevel', 'must be one of fatal, error, warn, info, debug, trace');
  }
  const toolsets = [...(input.toolsets ?? ['default'])];
  if (toolsets.length === 0 || !toolsets.every((t) => /^[a-z][a-z_-]*$/.test(t))) {
    throw new GatewayConfigError('toolsets', 'must be default, all, or a list of toolset names');
  }
  if (toolsets.length > 1 && toolsets.some((t) => t === 'default' || t === 'all')) {
    throw new GatewayConfigError('toolsets', 'default and all stand alone; do not mix them with names');
  }
  const readOnly = input.readOnly ?? false;
  if (typeof readOnly !== 'boolean') throw new GatewayConfigError('readOnly', 'must be true or false');
  const cpuArchitecture = input.cpuArchitecture ?? 'X86_64';
  if (cpuArchitecture !== 'X86_64' && cpuArchitecture !== 'ARM64') throw new GatewayConfigError('cpuArchitecture', 'must be X86_64 or ARM64');

  const region = input.region ?? env['CDK_DEFAULT_REGION'] ?? 'us-east-1';
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) throw new GatewayConfigError('region', `"${region}" is not an AWS region`);
  const account = input.account ?? env['CDK_DEFAULT_ACCOUNT'];
  if (account !== undefined && !/^\d{12}$/.test(account)) throw new GatewayConfigError('account', 'must be a 12-digit account id');
  const availabilityZones = input.availabilityZones ?? [];
  for (const az of availabilityZones) {
    if (!az.startsWith(region)) throw new GatewayConfigError('availabilityZones', `${az} is not in ${region}`);
  }
  if (availabilityZones.length === 1) throw new GatewayConfigError('availabilityZones', 'needs at least two zones (an ALB spans two)');
  const zoneCount = availabilityZones.length || 2;

  const stackName = input.stackName ?? DEFAULT_STACK_NAME;
  if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(stackName)) throw new GatewayConfigError('stackName', `"${stackName}" is not a CloudFormation stack name`);

  return {
    stackName,
    region,
    account,
    availabilityZones,
    natGateways: intIn('natGateways', input.natGateways ?? zoneCount, 1, zoneCount),
    domainName,
    hostedZoneId: input.hostedZoneId,
    hostedZoneName,
    neonpanelApiBase: httpsUrl('neonpanelApiBase', input.neonpanelApiBase ?? 'https://my.neonpanel.com'),
    authMode,
    brokerSecretName: secretName(input.brokerSecretName ?? defaultBrokerSecretName(stackName)),
    oauthIssuer,
    oauthProfile,
    oauthJwksUri,
    oauthAudience: [...(input.oauthAudience ?? [])],
    oauthScopes: [...(input.oauthScopes ?? [])],
    oauthIntrospectionUrl,
    oauthClientId: input.oauthClientId,
    oauthClientSecretArn: input.oauthClientSecretArn,
    sessionMode,
    sharedStore,
    cacheDataStorageMaxGb: intIn('cacheDataStorageMaxGb', input.cacheDataStorageMaxGb ?? 5, 1, 5000),
    cacheEcpuPerSecondMax: intIn('cacheEcpuPerSecondMax', input.cacheEcpuPerSecondMax ?? 10_000, 1000, 15_000_000),
    logLevel,
    toolsets,
    readOnly,
    executeCommand: booleanSetting('executeCommand', input.executeCommand, false),
    extraEnvironment,
    desiredCount,
    minTasks,
    maxTasks,
    cpuTargetPercent: intIn('cpuTargetPercent', input.cpuTargetPercent ?? 60, 10, 95),
    requestsPerTarget: intIn('requestsPerTarget', input.requestsPerTarget ?? 1000, 1, 1_000_000),
    cpu,
    memoryMiB,
    cpuArchitecture,
    logRetentionDays,
    logGroupName,
    accessLogRetentionDays: intIn('accessLogRetentionDays', input.accessLogRetentionDays ?? 90, 1, 3650),
    taskDefinitionFamily,
    albIdleTimeoutSeconds: intIn('albIdleTimeoutSeconds', input.albIdleTimeoutSeconds ?? 3600, 1, 4000),
    // ECS caps a Fargate container's stop timeout at 120 s; the drain keeps 5 s of it spare.
    drainSeconds: intIn('drainSeconds', input.drainSeconds ?? 25, 0, 115),
    alarm5xxThreshold: intIn('alarm5xxThreshold', input.alarm5xxThreshold ?? 10, 1, 1_000_000),
    alarmEvaluationPeriods: intIn('alarmEvaluationPeriods', input.alarmEvaluationPeriods ?? 2, 1, 60),
    latencyAlarmSeconds: intIn('latencyAlarmSeconds', input.latencyAlarmSeconds ?? 5, 1, 300),
    latencyAlarmEvaluationPeriods: intIn('latencyAlarmEvaluationPeriods', input.latencyAlarmEvaluationPeriods ?? 3, 1, 60),
    deploymentStrategy,
    // ECS accepts 0-1440 minutes.
    bakeTimeMinutes: intIn('bakeTimeMinutes', input.bakeTimeMinutes ?? 10, 0, 1440),
    releaseHookTokenSecretArn: input.releaseHookTokenSecretArn,
    releaseHookScopeProbeTool: input.releaseHookScopeProbeTool,
    telemetry: booleanSetting('telemetry', input.telemetry, true),
    collectorImage: nonEmpty('collectorImage', input.collectorImage ?? 'public.ecr.aws/aws-observability/aws-otel-collector:v0.43.3'),
    metricsNamespace: namespace(input.metricsNamespace ?? 'NeonPanelMcp'),
    authFailureAlarmThreshold: intIn('authFailureAlarmThreshold', input.authFailureAlarmThreshold ?? 50, 1, 1_000_000),
    upstreamErrorRateAlarmPercent: intIn('upstreamErrorRateAlarmPercent', input.upstreamErrorRateAlarmPercent ?? 10, 1, 100),
    upstreamErrorAlarmMinCalls: intIn('upstreamErrorAlarmMinCalls', input.upstreamErrorAlarmMinCalls ?? 20, 1, 1_000_000),
    telemetryAlarmEvaluationPeriods: intIn('telemetryAlarmEvaluationPeriods', input.telemetryAlarmEvaluationPeriods ?? 2, 1, 60),
    canaryTokenSecretArn: input.canaryTokenSecretArn ?? input.releaseHookTokenSecretArn,
    canary: booleanSetting('canary', input.canary, true),
    canaryIntervalMinutes: intIn('canaryIntervalMinutes', input.canaryIntervalMinutes ?? 5, 1, 60),
    alarmEmail: matching('alarmEmail', input.alarmEmail, EMAIL, 'must be an email address'),
    alarmTopicArn: matching('alarmTopicArn', input.alarmTopicArn, TOPIC_ARN, 'must be the complete ARN of an SNS topic'),
  };
}

function booleanSetting(setting: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new GatewayConfigError(setting, 'must be true or false');
  return value;
}

function matching(setting: string, value: string | undefined, pattern: RegExp, detail: string): string | undefined {
  if (value !== undefined && !pattern.test(value)) throw new GatewayConfigError(setting, `${detail}, got "${value}"`);
  return value;
}

/**
 * A Secrets Manager name the stack refers to by name: ECS and IAM then match it with a suffix
 * wildcard, so a name that itself ends in `-` and six characters would be ambiguous.
 */
function secretName(value: string): string {
  if (!/^[A-Za-z0-9/_+=.@-]{1,512}$/.test(value) || /-[A-Za-z0-9]{6}$/.test(value)) {
    throw new GatewayConfigError('brokerSecretName', `must be a Secrets Manager secret name not ending in "-" and six characters, got "${value}"`);
  }
  return value;
}

function nonEmpty(setting: string, value: string): string {
  if (value.trim() === '') throw new GatewayConfigError(setting, 'must not be empty');
  return value;
}

/** CloudWatch namespaces: 1-255 characters, no leading colon, not `AWS/`. */
function namespace(value: string): string {
  if (!/^[A-Za-z0-9._\-/#:]{1,255}$/.test(value) || value.startsWith('AWS/')) {
    throw new GatewayConfigError('metricsNamespace', `must be a CloudWatch namespace (letters, digits, . _ - / # :), not AWS/…, got "${value}"`);
  }
  return value;
}
