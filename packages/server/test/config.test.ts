import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError, DEFAULT_SCOPES, defaultAudiences, loadConfig, resourceIdentifiers, type Env } from '../src/config.js';

/** Loads a config and returns the ConfigError it throws, failing the test if it does not throw one. */
function configError(env: Env): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

const PRODUCTION: Env = {
  NODE_ENV: 'production',
  OAUTH_ISSUER: 'https://auth.example.com',
  OAUTH_JWKS_URI: 'https://auth.example.com/jwks',
  PUBLIC_BASE_URL: 'https://mcp.example.com',
};

describe('loadConfig', () => {
  test('outside production an empty environment works on the documented defaults', () => {
    const config = loadConfig({});
    expect(config.nodeEnv).toBe('development');
    expect(config.port).toBe(3030);
    expect(config.host).toBe('127.0.0.1');
    expect(config.publicBaseUrl).toBe('http://localhost:3030');
    expect(config.neonpanelApiBase).toBe('https://my.neonpanel.com');
    expect(config.logLevel).toBe('info');
    expect(config.oauth.issuer).toBe('http://localhost:3031');
    // No guessed JWKS URL: it is discovered from the issuer's metadata.
    expect(config.oauth.jwksUri).toBeUndefined();
    expect(config.oauth.discoverJwks).toBe(true);
    expect(config.oauth.introspectionUrl).toBeUndefined();
    expect(config.oauth.profile).toBe('standard');
    expect(config.oauth.scopeMap).toEqual({});
    expect(config.oauth.scopes).toBeUndefined();
    expect([...DEFAULT_SCOPES]).toEqual([
      'read:inventory', 'read:analytics', 'read:companies', 'read:reports', 'read:warehouses',
      'read:revenue', 'read:cogs', 'read:landed-cost', 'write:import',
      'write:inventory', 'read:documents', 'write:documents', 'read:payments', 'write:payments',
      'read:catalogue', 'write:catalogue', 'read:forecasting', 'write:forecasting',
    ]);
    expect(config.oauth.algorithms).not.toContain('HS256');
    expect(config.oauth.algorithms).not.toContain('none');
    expect(config.oauth.audiences).toEqual(['http://localhost:3030', 'http://localhost:3030/mcp', 'http://localhost:3030/sse', 'http://localhost:3030/']);
  });

  test('the config object is frozen', () => {
    expect(Object.isFrozen(loadConfig({}))).toBe(true);
  });

  test('a complete production environment loads and binds all interfaces', () => {
    const config = loadConfig(PRODUCTION);
    expect(config.nodeEnv).toBe('production');
    expect(config.host).toBe('0.0.0.0');
    expect(config.publicBaseUrl).toBe('https://mcp.example.com');
    expect(config.oauth.issuer).toBe('https://auth.example.com');
  });

  test.each([
    ['OAUTH_ISSUER', { ...PRODUCTION, OAUTH_ISSUER: undefined }],
    ['PUBLIC_BASE_URL', { ...PRODUCTION, PUBLIC_BASE_URL: undefined }],
    ['OAUTH_ISSUER', { ...PRODUCTION, OAUTH_ISSUER: '' }],
  ])('production without %s refuses, naming the variable in one line', (variable, env) => {
    const error = configError(env);
    expect(error.variable).toBe(variable);
    expect(error.message).toContain(variable);
    expect(error.message).not.toContain('\n');
  });

  test('production without OAUTH_JWKS_URI discovers the JWKS from the issuer instead of guessing a URL', () => {
    const config = loadConfig({ ...PRODUCTION, OAUTH_JWKS_URI: undefined });
    expect(config.oauth.jwksUri).toBeUndefined();
    expect(config.oauth.discoverJwks).toBe(true);
  });

  test('endpoints given by hand (no issuer metadata) need OAUTH_JWKS_URI, since there is nothing to discover it from', () => {
    const error = configError({ ...PRODUCTION, OAUTH_JWKS_URI: undefined, OAUTH_AUTHORIZATION_ENDPOINT: 'https://auth.example.com/a', OAUTH_TOKEN_ENDPOINT: 'https://auth.example.com/t' });
    expect(error.variable).toBe('OAUTH_JWKS_URI');
    expect(loadConfig({ ...PRODUCTION, OAUTH_AUTHORIZATION_ENDPOINT: 'https://auth.example.com/a', OAUTH_TOKEN_ENDPOINT: 'https://auth.example.com/t' }).oauth.staticMetadata).toBeDefined();
  });

  test('the NeonPanel profile needs only the issuer, the public URL and the API base', () => {
    const config = loadConfig({ NODE_ENV: 'production', OAUTH_PROFILE: 'neonpanel', OAUTH_ISSUER: 'https://my.neonpanel.com', PUBLIC_BASE_URL: 'https://mcp.neonpanel.com', NEONPANEL_API_BASE: 'https://my.neonpanel.com' });
    expect(config.oauth.profile).toBe('neonpanel');
    expect(config.oauth.discoverJwks).toBe(true);
    expect(config.oauth.scopeMap).toEqual({ openid: '*' });
    expect(config.oauth.advertisedScopes).toBeUndefined();
  });

  test('OAUTH_PROFILE takes only neonpanel or standard', () => {
    const error = configError({ OAUTH_PROFILE: 'laravel' });
    expect(error.variable).toBe('OAUTH_PROFILE');
    expect(error.message).toContain('neonpanel or standard');
  });

  test('OAUTH_SCOPE_MAP, OAUTH_ADVERTISED_SCOPES and OAUTH_ALLOWED_CLIENTS are parsed', () => {
    const config = loadConfig({
      OAUTH_SCOPE_MAP: 'openid=read:companies read:inventory; admin=*',
      OAUTH_ADVERTISED_SCOPES: 'openid read:companies',
      OAUTH_ALLOWED_CLIENTS: 'chatgpt-1, claude-2',
    });
    expect(config.oauth.scopeMap).toEqual({ openid: ['read:companies', 'read:inventory'], admin: '*' });
    expect(config.oauth.advertisedScopes).toEqual(['openid', 'read:companies']);
    expect(config.oauth.allowedClients).toEqual(['chatgpt-1', 'claude-2']);
  });

  test('OAUTH_ACCEPT_PLAIN_JWT is off unless set to true, and takes true or false only', () => {
    expect(loadConfig({}).oauth.acceptPlainJwt).toBe(false);
    expect(loadConfig({ OAUTH_ACCEPT_PLAIN_JWT: 'true' }).oauth.acceptPlainJwt).toBe(true);
    const error = configError({ OAUTH_ACCEPT_PLAIN_JWT: 'yes' });
    expect([error.variable, error.message]).toEqual(['OAUTH_ACCEPT_PLAIN_JWT', 'Invalid configuration: OAUTH_ACCEPT_PLAIN_JWT must be true or false']);
  });

  test.each(['openid', '=read:inventory', 'openid=', 'open"id=*'])('a malformed OAUTH_SCOPE_MAP (%s) names the variable', (raw) => {
    expect(configError({ OAUTH_SCOPE_MAP: raw }).variable).toBe('OAUTH_SCOPE_MAP');
  });

  test('OAUTH_AUDIENCE that leaves out an advertised resource refuses to start, naming OAUTH_AUDIENCE', () => {
    // Found in review: OAUTH_AUDIENCE=<base> while /.well-known/oauth-protected-resource/mcp advertised <base>/mcp.
    const error = configError({ ...PRODUCTION, OAUTH_AUDIENCE: 'https://mcp.example.com' });
    expect(error.variable).toBe('OAUTH_AUDIENCE');
    expect(error.message).toContain('https://mcp.example.com/mcp');
    expect(error.message).toContain('https://mcp.example.com/sse');
    expect(error.message).not.toContain('\n');
  });

  test('production accepts introspection as the verifier source', () => {
    const config = loadConfig({ ...PRODUCTION, OAUTH_JWKS_URI: undefined, OAUTH_INTROSPECTION_URL: 'https://auth.example.com/introspect', OAUTH_CLIENT_ID: 'gw' });
    expect(config.oauth.jwksUri).toBeUndefined();
    expect(config.oauth.introspectionUrl).toBe('https://auth.example.com/introspect');
  });

  test.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['LOG_LEVEL', 'verbose'],
    ['LOG_LEVEL', 'INFO '],
    ['OAUTH_ALGORITHMS', 'HS256'],
    ['OAUTH_ALGORITHMS', 'RS256,HS512'],
    ['OAUTH_ALGORITHMS', 'none'],
    ['PUBLIC_BASE_URL', 'https://mcp.example.com/api'],
    ['PUBLIC_BASE_URL', 'https://mcp.example.com/mcp/'],
    ['PUBLIC_BASE_URL', 'not a url'],
    ['PUBLIC_BASE_URL', 'ftp://mcp.example.com'],
    ['OAUTH_ISSUER', 'auth.example.com'],
    ['NODE_ENV', 'staging'],
    ['TRUST_PROXY', 'yes'],
    ['TRUST_PROXY', '10.0.0.0/33'],
    ['TRUST_PROXY', 'loopback, not-an-address'],
  ])('%s=%j is refused with a ConfigError naming it', (variable, value) => {
    const error = configError({ [variable]: value });
    expect(error.variable).toBe(variable);
    expect(error.message.startsWith(`Invalid configuration: ${variable} `)).toBe(true);
    expect(error.message).not.toContain('\n');
  });

  test.each(['true', 'false', '', '2', 'loopback', '10.0.0.0/8, 127.0.0.1', 'uniquelocal,linklocal'])('TRUST_PROXY=%j is taken', (raw) => {
    expect(() => loadConfig({ TRUST_PROXY: raw })).not.toThrow();
  });

  test('OAUTH_ALGORITHMS with HS256 says why', () => {
    expect(configError({ OAUTH_ALGORITHMS: 'RS256,HS256' }).message).toContain('got HS256');
  });

  test('a valid PORT, LOG_LEVEL and algorithm list are taken', () => {
    const config = loadConfig({ PORT: '8080', LOG_LEVEL: 'debug', OAUTH_ALGORITHMS: 'ES256, RS256' });
    expect(config.port).toBe(8080);
    expect(config.logLevel).toBe('debug');
    expect(config.oauth.algorithms).toEqual(['ES256', 'RS256']);
  });

  test('OAUTH_AUDIENCE is a comma list that replaces the defaults', () => {
    const config = loadConfig({ ...PRODUCTION, OAUTH_AUDIENCE: 'https://mcp.example.com, urn:neonpanel:mcp ,https://mcp.example.com/mcp,https://mcp.example.com/sse' });
    expect(config.oauth.audiences).toEqual(['https://mcp.example.com', 'urn:neonpanel:mcp', 'https://mcp.example.com/mcp', 'https://mcp.example.com/sse']);
  });

  test('default audiences are the advertised resources (no stray slash) plus the root as URL.href spells it', () => {
    const config = loadConfig({ ...PRODUCTION, PUBLIC_BASE_URL: 'https://mcp.example.com/' });
    expect(config.publicBaseUrl).toBe('https://mcp.example.com');
    expect(resourceIdentifiers(config.publicBaseUrl)).toEqual(['https://mcp.example.com', 'https://mcp.example.com/mcp', 'https://mcp.example.com/sse']);
    expect(config.oauth.audiences).toEqual([...resourceIdentifiers(config.publicBaseUrl), new URL('https://mcp.example.com').href]);
  });

  test('OAUTH_SCOPES is kept as given (what standard advertises instead of the tools\' scopes)', () => {
    expect(loadConfig({ OAUTH_SCOPES: 'read:inventory write:import' }).oauth.scopes).toEqual(['read:inventory', 'write:import']);
  });

  test('NEONPANEL_API_BASE is taken without a trailing slash', () => {
    expect(loadConfig({ NEONPANEL_API_BASE: 'https://np.example.com/' }).neonpanelApiBase).toBe('https://np.example.com');
  });

  test('keep-alive and header timeouts sit above the ALB idle timeout', () => {
    const config = loadConfig({ ALB_IDLE_TIMEOUT_SECONDS: '60' });
    expect(config.http.keepAliveTimeoutMs).toBeGreaterThan(60_000);
    expect(config.http.headersTimeoutMs).toBeGreaterThan(config.http.keepAliveTimeoutMs);
  });

  test('TRUST_PROXY takes booleans, hop counts and express names', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'loopback' }).trustProxy).toBe('loopback');
  });

  test('empty variables count as unset', () => {
    const config = loadConfig({ PORT: '', LOG_LEVEL: '', OAUTH_AUDIENCE: '' });
    expect(config.port).toBe(3030);
    expect(config.logLevel).toBe('info');
    expect(config.oauth.audiences).toEqual(defaultAudiences(config.publicBaseUrl));
  });
});

describe('toolset selection (MCP_TOOLSETS, MCP_READ_ONLY)', () => {
  test('defaults to the default selection, writes allowed where it allows them', () => {
    expect(loadConfig({}).mcp.tools).toEqual({ toolsets: 'default', readOnly: false });
  });

  test('takes all, default, or a comma list of toolsets (spaces and repeats tolerated)', () => {
    expect(loadConfig({ MCP_TOOLSETS: 'all' }).mcp.tools.toolsets).toBe('all');
    expect(loadConfig({ MCP_TOOLSETS: 'documents, payments,documents' }).mcp.tools.toolsets).toEqual(['documents', 'payments']);
    expect(loadConfig({ MCP_TOOLSETS: 'documents', MCP_READ_ONLY: 'true' }).mcp.tools).toEqual({ toolsets: ['documents'], readOnly: true });
  });

  test('an unknown toolset, or all mixed with names, is refused naming MCP_TOOLSETS and the choices', () => {
    const unknown = configError({ MCP_TOOLSETS: 'documents,ledger' });
    expect(unknown.variable).toBe('MCP_TOOLSETS');
    expect(unknown.message).toContain('ledger');
    expect(unknown.message).toContain('forecasting');
    expect(configError({ MCP_TOOLSETS: 'all,documents' }).variable).toBe('MCP_TOOLSETS');
  });

  test('MCP_READ_ONLY takes true or false only', () => {
    expect(configError({ MCP_READ_ONLY: 'yes' }).variable).toBe('MCP_READ_ONLY');
    expect(loadConfig({ MCP_READ_ONLY: 'false' }).mcp.tools.readOnly).toBe(false);
  });
});

describe('shared store and per-user limits (REDIS_URL, RATE_LIMIT_*, MCP_MAX_BATCH)', () => {
  test('defaults: in memory, standalone, 50 requests per second with a burst of 250 per 10 s, 10 NeonPanel requests at once, batches of 20', () => {
    const config = loadConfig({});
    expect(config.store).toEqual({ redisUrl: undefined, redisPassword: undefined, commandTimeoutMs: 1000, redisMode: 'standalone' });
    // A user's share of the pool: a quarter of 128 sockets, but never more than their in-flight limit.
    expect(config.limits).toEqual({ requestsPerSecond: 50, burst: 250, concurrentUpstream: 10, socketsPerUser: 10, maxBatch: 20 });
    expect(loadConfig({ RATE_LIMIT_CONCURRENT_UPSTREAM: '1000' }).limits.socketsPerUser).toBe(32);
  });

  test('REDIS_MODE=cluster selects the cluster client (ElastiCache Serverless)', () => {
    expect(loadConfig({ REDIS_MODE: 'cluster' }).store.redisMode).toBe('cluster');
  });

  test('takes redis:// and rediss:// (TLS) URLs with AUTH, and the password apart', () => {
    expect(loadConfig({ REDIS_URL: 'rediss://gw:secret@cache.example:6379' }).store.redisUrl).toBe('rediss://gw:secret@cache.example:6379');
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_PASSWORD: 'p' }).store.redisPassword).toBe('p');
  });

  test.each([
    [{ REDIS_URL: 'http://cache:6379' }, 'REDIS_URL'],
    [{ REDIS_URL: 'not a url' }, 'REDIS_URL'],
    [{ RATE_LIMIT_REQUESTS_PER_SECOND: '0' }, 'RATE_LIMIT_REQUESTS_PER_SECOND'],
    [{ RATE_LIMIT_CONCURRENT_UPSTREAM: 'many' }, 'RATE_LIMIT_CONCURRENT_UPSTREAM'],
    [{ MCP_MAX_BATCH: '0' }, 'MCP_MAX_BATCH'],
    [{ REDIS_COMMAND_TIMEOUT_MS: '5' }, 'REDIS_COMMAND_TIMEOUT_MS'],
    [{ REDIS_MODE: 'sentinel' }, 'REDIS_MODE'],
    [{ RATE_LIMIT_BURST: '-1' }, 'RATE_LIMIT_BURST'],
    [{ UPSTREAM_MAX_SOCKETS_PER_USER: '0' }, 'UPSTREAM_MAX_SOCKETS_PER_USER'],
  ])('refuses %j naming %s', (env, variable) => {
    expect(configError(env).variable).toBe(variable);
  });
});

describe('main.js with a bad production environment', () => {
  const mainJs = fileURLToPath(new URL('../dist/main.js', import.meta.url));

  test('exits 1 with exactly one stderr line naming OAUTH_ISSUER', async () => {
    if (!existsSync(mainJs)) {
      throw new Error(`${mainJs} is missing: build first (\`pnpm build\` at the root or in packages/server; the root \`pnpm test\` builds before testing).`);
    }
    // A clean environment: nothing inherited may supply the missing issuer.
    const child = spawn(process.execPath, [mainJs], {
      env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://mcp.example.com', OAUTH_JWKS_URI: 'https://auth.example.com/jwks' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const lines = stderr.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('OAUTH_ISSUER');
    expect(stderr.endsWith('\n')).toBe(true);
  });
});
