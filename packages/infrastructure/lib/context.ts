/**
 * CDK context (`cdk.json`, `-c key=value`) → `GatewayConfigInput`. Values from the command
 * line arrive as strings, values from cdk.json as JSON; both are accepted.
 *
 * Every key is the `GatewayConfig` field of the same name (see lib/config.ts for defaults).
 */
import { GatewayConfigError, HOSTED_ZONE_ID_ENV, type GatewayConfig, type GatewayConfigInput } from './config.js';

export { HOSTED_ZONE_ID_ENV };

type Reader = (key: string) => unknown;

const STRING_KEYS = [
  'stackName', 'region', 'account', 'domainName', 'hostedZoneId', 'hostedZoneName', 'neonpanelApiBase',
  'oauthIssuer', 'oauthProfile', 'oauthJwksUri', 'oauthIntrospectionUrl', 'oauthClientId', 'oauthClientSecretArn',
  'sessionMode', 'sharedStore', 'logLevel', 'cpuArchitecture', 'logGroupName', 'taskDefinitionFamily',
  'deploymentStrategy', 'releaseHookTokenSecretArn', 'releaseHookScopeProbeTool',
  'collectorImage', 'metricsNamespace', 'alarmEmail', 'alarmTopicArn', 'authMode', 'brokerSecretName', 'canaryTokenSecretArn',
] as const satisfies readonly (keyof GatewayConfig)[];

const NUMBER_KEYS = [
  'natGateways', 'desiredCount', 'minTasks', 'maxTasks', 'cpuTargetPercent', 'requestsPerTarget', 'cpu',
  'memoryMiB', 'logRetentionDays', 'accessLogRetentionDays', 'albIdleTimeoutSeconds', 'drainSeconds',
  'alarm5xxThreshold', 'alarmEvaluationPeriods', 'latencyAlarmSeconds', 'latencyAlarmEvaluationPeriods', 'bakeTimeMinutes',
  'cacheDataStorageMaxGb', 'cacheEcpuPerSecondMax', 'canaryIntervalMinutes',
  'authFailureAlarmThreshold', 'upstreamErrorRateAlarmPercent', 'upstreamErrorAlarmMinCalls', 'telemetryAlarmEvaluationPeriods',
] as const satisfies readonly (keyof GatewayConfig)[];

const BOOLEAN_KEYS = ['telemetry', 'readOnly', 'canary', 'executeCommand'] as const satisfies readonly (keyof GatewayConfig)[];

const LIST_KEYS = ['availabilityZones', 'oauthAudience', 'oauthScopes', 'toolsets'] as const satisfies readonly (keyof GatewayConfig)[];

function asNumber(key: string, value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(n)) throw new GatewayConfigError(key, `must be a number, got ${JSON.stringify(value)}`);
  return n;
}

function asList(key: string, value: unknown): string[] {
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  throw new GatewayConfigError(key, 'must be a list of strings or a comma-separated string');
}

function asStringRecord(key: string, value: unknown): Record<string, string> {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new GatewayConfigError(key, 'must be a JSON object of strings');
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)
    || !Object.values(parsed).every((v) => typeof v === 'string')) {
    throw new GatewayConfigError(key, 'must be a JSON object of strings');
  }
  return parsed as Record<string, string>;
}

/** Reads every known key; absent keys stay absent so `resolveConfig` applies its defaults. */
export function configInputFromContext(read: Reader, env: Record<string, string | undefined> = {}): GatewayConfigInput {
  const input: Record<string, unknown> = {};
  for (const key of STRING_KEYS) {
    const value = read(key);
    if (value === undefined || value === null || value === '') continue;
    if (typeof value !== 'string') throw new GatewayConfigError(key, `must be a string, got ${JSON.stringify(value)}`);
    input[key] = value;
  }
  for (const key of NUMBER_KEYS) {
    const value = read(key);
    if (value !== undefined && value !== null && value !== '') input[key] = asNumber(key, value);
  }
  for (const key of LIST_KEYS) {
    const value = read(key);
    if (value !== undefined && value !== null) input[key] = asList(key, value);
  }
  for (const key of BOOLEAN_KEYS) {
    const value = read(key);
    if (value === undefined || value === null || value === '') continue;
    if (value !== true && value !== false && value !== 'true' && value !== 'false') {
      throw new GatewayConfigError(key, `must be true or false, got ${JSON.stringify(value)}`);
    }
    input[key] = value === true || value === 'true';
  }
  const extra = read('extraEnvironment');
  if (extra !== undefined && extra !== null) input['extraEnvironment'] = asStringRecord('extraEnvironment', extra);
  input['hostedZoneId'] ??= env[HOSTED_ZONE_ID_ENV];
  return input as unknown as GatewayConfigInput;
}
