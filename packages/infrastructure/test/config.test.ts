/**
 * Settings: defaults, validation with messages that name the setting, context parsing, and
 * the container environment derived from them.
 */
import { GatewayConfigError, resolveConfig, type GatewayConfigInput } from '../lib/config.js';
import { configInputFromContext, HOSTED_ZONE_ID_ENV } from '../lib/context.js';
import { containerEnvironment, containerSecretNames } from '../lib/environment.js';

const ZONE = 'Z0123456789EXAMPLE';
const base: GatewayConfigInput = { hostedZoneId: ZONE };

function errorOf(input: Partial<GatewayConfigInput>): GatewayConfigError {
  try {
    resolveConfig({ ...base, ...input } as GatewayConfigInput);
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayConfigError);
    return error as GatewayConfigError;
  }
  throw new Error('expected a GatewayConfigError');
}

describe('resolveConfig defaults', () => {
  const config = resolveConfig(base);

  it('serves mcp.neonpanel.com from the neonpanel.com zone', () => {
    expect(config.domainName).toBe('mcp.neonpanel.com');
    expect(config.hostedZoneName).toBe('neonpanel.com');
    expect(config.hostedZoneId).toBe(ZONE);
  });

  it('points at NeonPanel for the API and the issuer', () => {
    expect(config.neonpanelApiBase).toBe('https://my.neonpanel.com');
    expect(config.oauthIssuer).toBe('https://my.neonpanel.com');
    // NeonPanel's profile, and no guessed JWKS URL: the server discovers it from the issuer.
    expect(config.oauthProfile).toBe('neonpanel');
    expect(config.oauthJwksUri).toBeUndefined();
    expect(config.oauthAudience).toEqual([]);
    expect(config.oauthScopes).toEqual([]);
  });

  it('runs two to six tasks of 0.5 vCPU / 1 GiB, keeps logs 30 days', () => {
    expect([config.desiredCount, config.minTasks, config.maxTasks]).toEqual([2, 2, 6]);
    expect([config.cpu, config.memoryMiB]).toEqual([512, 1024]);
    expect(config.logRetentionDays).toBe(30);
  });

  it('bounds the cache at 5 GB and 10000 ECPU/s, and leaves the log group\'s name to CloudFormation', () => {
    expect(config.cacheDataStorageMaxGb).toBe(5);
    expect(config.cacheEcpuPerSecondMax).toBe(10_000);
    expect(config.logGroupName).toBeUndefined();
  });

  it('runs the broker, its secret named after the stack, the canary on the gate\'s secret', () => {
    expect(config.authMode).toBe('broker');
    expect(config.brokerSecretName).toBe('neonpanel-mcp/NeonPanelMcpGateway/broker');
    // No ECS Exec unless asked: a shell into production is an access path.
    expect(config.executeCommand).toBe(false);
    expect(resolveConfig({ ...base, stackName: 'Staging' }).brokerSecretName).toBe('neonpanel-mcp/Staging/broker');
    const gate = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:gate-AbCdEf';
    expect(resolveConfig({ ...base, releaseHookTokenSecretArn: gate }).canaryTokenSecretArn).toBe(gate);
  });

  it('runs the canary every 5 minutes and notifies a topic of its own, with no address subscribed', () => {
    expect(config.canary).toBe(true);
    expect(config.canaryIntervalMinutes).toBe(5);
    expect(config.alarmEmail).toBeUndefined();
    expect(config.alarmTopicArn).toBeUndefined();
  });

  it('matches the server\'s defaults for idle timeout and drain', () => {
    expect(config.albIdleTimeoutSeconds).toBe(3600);
    expect(config.drainSeconds).toBe(25);
  });

  it('takes region and account from the CDK environment, with no account otherwise', () => {
    expect(config.region).toBe('us-east-1');
    expect(config.account).toBeUndefined();
    const fromEnv = resolveConfig(base, { CDK_DEFAULT_REGION: 'eu-central-1', CDK_DEFAULT_ACCOUNT: '123456789012' });
    expect(fromEnv.region).toBe('eu-central-1');
    expect(fromEnv.account).toBe('123456789012');
  });

  it('keeps standard selectable, and an explicit JWKS URI as an override', () => {
    const standard = resolveConfig({ ...base, oauthProfile: 'standard', oauthJwksUri: 'https://auth.example.test/keys' });
    expect(standard.oauthProfile).toBe('standard');
    expect(standard.oauthJwksUri).toBe('https://auth.example.test/keys');
    expect(containerEnvironment(standard)).toMatchObject({ OAUTH_PROFILE: 'standard', OAUTH_JWKS_URI: 'https://auth.example.test/keys' });
    expect(configInputFromContext((key) => ({ oauthProfile: 'standard' } as Record<string, unknown>)[key]).oauthProfile).toBe('standard');
  });

  it('refuses an audience list that leaves out an advertised resource (the server would not start)', () => {
    expect(() => resolveConfig({ ...base, oauthAudience: ['https://mcp.neonpanel.com'] }))
      .toThrow(/oauthAudience: must include every resource the server advertises; missing https:\/\/mcp.neonpanel.com\/mcp, https:\/\/mcp.neonpanel.com\/sse/);
  });

  it('refuses an unknown profile, naming the setting', () => {
    expect(() => resolveConfig({ ...base, oauthProfile: 'passport' as never })).toThrow(/oauthProfile: must be neonpanel or standard/);
  });
});

describe('resolveConfig validation', () => {
  it.each<[string, Partial<GatewayConfigInput>, RegExp]>([
    ['hostedZoneId', { hostedZoneId: undefined as unknown as string }, /hostedZoneId: is required: pass -c hostedZoneId=/],
    ['hostedZoneId', { hostedZoneId: 'not-a-zone' }, /hostedZoneId: must look like/],
    ['domainName', { domainName: 'not a host' }, /domainName/],
    ['hostedZoneName', { domainName: 'mcp.example.com', hostedZoneName: 'neonpanel.com' }, /not inside the zone/],
    ['oauthIssuer', { oauthIssuer: 'http://insecure.example.test' }, /oauthIssuer: must use https/],
    ['oauthJwksUri', { oauthJwksUri: 'not a url' }, /oauthJwksUri/],
    ['oauthClientId', { oauthIntrospectionUrl: 'https://a.example.test/i' }, /oauthClientId: is required when oauthIntrospectionUrl is set/],
    ['oauthClientSecretArn', { oauthClientSecretArn: 'my-secret' }, /complete ARN/],
    ['memoryMiB', { cpu: 512, memoryMiB: 512 }, /not a valid Fargate memory size for cpu 512/],
    ['cpu', { cpu: 300 }, /cpu: must be one of/],
    ['maxTasks', { minTasks: 4, maxTasks: 2 }, /must be at least minTasks/],
    ['desiredCount', { desiredCount: 9 }, /must lie between minTasks/],
    ['logRetentionDays', { logRetentionDays: 31 }, /logRetentionDays/],
    ['drainSeconds', { drainSeconds: 200 }, /drainSeconds: must be an integer between 0 and 115/],
    ['albIdleTimeoutSeconds', { albIdleTimeoutSeconds: 0 }, /albIdleTimeoutSeconds/],
    ['availabilityZones', { region: 'eu-west-1', availabilityZones: ['us-east-1a', 'us-east-1b'] }, /not in eu-west-1/],
    ['extraEnvironment', { extraEnvironment: { PORT: '80' } }, /PORT is set by the stack/],
    ['extraEnvironment', { extraEnvironment: { OAUTH_CLIENT_SECRET: 'x' } }, /from Secrets Manager/],
    ['extraEnvironment', { extraEnvironment: { UPSTREAM_API_TOKEN: 'x' } }, /looks like a secret/],
    ['cacheDataStorageMaxGb', { cacheDataStorageMaxGb: 0 }, /between 1 and 5000/],
    ['cacheEcpuPerSecondMax', { cacheEcpuPerSecondMax: 999 }, /between 1000 and 15000000/],
    ['logGroupName', { logGroupName: 'no spaces allowed' }, /not a log group name/],
    ['canaryIntervalMinutes', { canaryIntervalMinutes: 0 }, /between 1 and 60/],
    ['authMode', { authMode: 'proxy' as never }, /must be broker or direct/],
    ['brokerSecretName', { brokerSecretName: 'neonpanel-mcp/broker-AbCdEf' }, /not ending in "-" and six characters/],
    ['canaryTokenSecretArn', { canaryTokenSecretArn: 'my-secret' }, /complete ARN/],
    ['extraEnvironment', { extraEnvironment: { BROKER_VAULT_KEY: 'k1:x' } }, /BROKER_VAULT_KEY is set by the stack/],
    ['alarmEmail', { alarmEmail: 'not an address' }, /must be an email address/],
    ['alarmTopicArn', { alarmTopicArn: 'arn:aws:sqs:eu-west-1:111122223333:queue' }, /complete ARN of an SNS topic/],
  ])('refuses a bad %s', (setting, input, message) => {
    const error = errorOf(input);
    expect(error.setting).toBe(setting);
    expect(error.message).toMatch(message);
  });

  it('accepts every documented Fargate size it claims to', () => {
    expect(() => resolveConfig({ ...base, cpu: 256, memoryMiB: 512 })).not.toThrow();
    expect(() => resolveConfig({ ...base, cpu: 4096, memoryMiB: 30720 })).not.toThrow();
    expect(() => resolveConfig({ ...base, cpu: 8192, memoryMiB: 20480 })).not.toThrow();
    expect(() => resolveConfig({ ...base, cpu: 8192, memoryMiB: 18432 })).toThrow(GatewayConfigError);
  });
});

describe('configInputFromContext', () => {
  const read = (values: Record<string, unknown>) => (key: string) => values[key];

  it('reads the booleans from strings or JSON, and names one that is neither', () => {
    expect(configInputFromContext(read({ hostedZoneId: ZONE, canary: 'false', telemetry: true, readOnly: 'true' })))
      .toEqual(expect.objectContaining({ canary: false, telemetry: true, readOnly: true }));
    expect(() => configInputFromContext(read({ hostedZoneId: ZONE, canary: 'off' }))).toThrow('Invalid gateway setting canary: must be true or false, got "off"');
  });

  it('parses command-line strings into numbers, lists and records', () => {
    const input = configInputFromContext(read({
      hostedZoneId: ZONE,
      desiredCount: '4',
      maxTasks: '10',
      oauthScopes: 'read:inventory, read:reports',
      availabilityZones: ['us-east-1a', 'us-east-1b'],
      extraEnvironment: '{"UPSTREAM_AUTH":"token-exchange"}',
    }));
    expect(input).toEqual(expect.objectContaining({
      hostedZoneId: ZONE,
      desiredCount: 4,
      maxTasks: 10,
      oauthScopes: ['read:inventory', 'read:reports'],
      availabilityZones: ['us-east-1a', 'us-east-1b'],
      extraEnvironment: { UPSTREAM_AUTH: 'token-exchange' },
    }));
  });

  it('falls back to the environment for the hosted zone id only when the context has none', () => {
    expect(configInputFromContext(read({}), { [HOSTED_ZONE_ID_ENV]: ZONE }).hostedZoneId).toBe(ZONE);
    expect(configInputFromContext(read({ hostedZoneId: 'ZFROMCONTEXT' }), { [HOSTED_ZONE_ID_ENV]: ZONE }).hostedZoneId).toBe('ZFROMCONTEXT');
  });

  it.each<[string, unknown, RegExp]>([
    ['cpu', 'lots', /cpu: must be a number/],
    ['oauthScopes', 42, /oauthScopes: must be a list/],
    ['extraEnvironment', '{not json', /extraEnvironment: must be a JSON object/],
    ['extraEnvironment', { A: 1 }, /extraEnvironment: must be a JSON object of strings/],
    ['domainName', 7, /domainName: must be a string/],
  ])('names the bad key %s', (key, value, message) => {
    expect(() => configInputFromContext(read({ [key]: value }))).toThrow(message);
  });
});

describe('containerEnvironment', () => {
  it('sets what production requires, under the server\'s names', () => {
    const env = containerEnvironment(resolveConfig(base));
    expect(env).toEqual({
      NODE_ENV: 'production',
      PORT: '3030',
      PUBLIC_BASE_URL: 'https://mcp.neonpanel.com',
      NEONPANEL_API_BASE: 'https://my.neonpanel.com',
      OAUTH_ISSUER: 'https://my.neonpanel.com',
      OAUTH_PROFILE: 'neonpanel',
      AUTH_MODE: 'broker',
      TRUST_PROXY: '1',
      SHUTDOWN_DRAIN_MS: '25000',
      ALB_IDLE_TIMEOUT_SECONDS: '3600',
      LOG_LEVEL: 'info',
      MCP_SESSION_MODE: 'stateless',
      // The ADOT collector sidecar (telemetry, on by default).
      TELEMETRY: 'otlp',
      OTLP_ENDPOINT: 'http://127.0.0.1:4318',
    });
  });

  it('adds the extra variables but never lets them override the stack\'s', () => {
    const env = containerEnvironment(resolveConfig({ ...base, extraEnvironment: { UPSTREAM_AUTH: 'token-exchange' } }));
    expect(env['UPSTREAM_AUTH']).toBe('token-exchange');
  });

  it('keeps the client secret out of the environment and lists it as an ECS secret', () => {
    const config = resolveConfig({ ...base, authMode: 'direct', oauthClientSecretArn: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:mcp-AbCdEf' });
    expect(containerEnvironment(config)).not.toHaveProperty('OAUTH_CLIENT_SECRET');
    expect(containerSecretNames(config)).toEqual(['OAUTH_CLIENT_SECRET']);
    expect(containerSecretNames(resolveConfig({ ...base, authMode: 'direct' }))).toEqual([]);
    // Broker mode: the NeonPanel client and the broker's keys, never in the environment.
    expect(containerSecretNames(resolveConfig(base))).toEqual(['NEONPANEL_CLIENT_ID', 'NEONPANEL_CLIENT_SECRET', 'BROKER_VAULT_KEY', 'BROKER_SIGNING_KEYS']);
    expect(Object.keys(containerEnvironment(resolveConfig(base))).filter((k) => k.startsWith('BROKER_') || k.startsWith('NEONPANEL_CLIENT'))).toEqual([]);
  });
});

describe('the release settings (blue/green)', () => {
  it('default to blue/green with a 10-minute bake and no gate token', () => {
    const config = resolveConfig(base);
    expect(config.deploymentStrategy).toBe('blue-green');
    expect(config.bakeTimeMinutes).toBe(10);
    expect(config.releaseHookTokenSecretArn).toBeUndefined();
  });

  it('come from context as strings', () => {
    const input = configInputFromContext((key) => ({
      deploymentStrategy: 'rolling', bakeTimeMinutes: '0',
      releaseHookTokenSecretArn: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:gate-AbCdEf',
    } as Record<string, unknown>)[key], { [HOSTED_ZONE_ID_ENV]: ZONE });
    expect(resolveConfig(input)).toEqual(expect.objectContaining({
      deploymentStrategy: 'rolling', bakeTimeMinutes: 0, releaseHookTokenSecretArn: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:gate-AbCdEf',
    }));
  });

  it.each([
    [{ deploymentStrategy: 'canary' as never }, 'Invalid gateway setting deploymentStrategy: must be one of blue-green, rolling, got "canary"'],
    [{ bakeTimeMinutes: 1441 }, 'Invalid gateway setting bakeTimeMinutes: must be an integer between 0 and 1440, got 1441'],
    [{ releaseHookTokenSecretArn: 'gate-token' }, 'Invalid gateway setting releaseHookTokenSecretArn: must be the complete ARN'],
    [{ releaseHookScopeProbeTool: 'import pdf' }, 'Invalid gateway setting releaseHookScopeProbeTool: "import pdf" is not a tool name'],
  ])('refuse %j with a message naming the setting', (input, message) => {
    expect(errorOf(input).message).toContain(message);
  });
});
