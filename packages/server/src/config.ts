/**
 * Environment → one typed, frozen configuration object.
 *
 * This is the only module that reads `process.env`. Everything else receives a
 * `Config` (or a slice of it), which keeps tests free of global state.
 */
import { z } from 'zod';
import { ConfigError } from './config/error.js';
import { list, stripSlash } from './config/values.js';
import { PROFILE_SCOPE_MAPS, parseScopeMap, type OAuthProfile, type ScopeMap } from './config/scopes.js';
import { parseToolsets, type ToolsetSelection } from './config/toolsets.js';
import { parseTrustProxy, trustProxyReadable } from './config/trustProxy.js';
import { defaultAudiences, resourceIdentifiers } from './config/resources.js';
import { defaultAllowedHosts, defaultAllowedOrigins } from './config/origins.js';

// The derived settings live in ./config/, one concern each; re-exported so callers keep one import.
export { ConfigError } from './config/error.js';
export { DEFAULT_SCOPES, PROFILE_SCOPE_MAPS, parseScopeMap, type OAuthProfile, type ScopeMap } from './config/scopes.js';
export { TOOLSETS, type Toolset, type ToolsetSelection } from './config/toolsets.js';
export { PROTECTED_PATHS, defaultAudiences, resourceIdentifiers } from './config/resources.js';

/** Asymmetric JWS algorithms only: `none` and every HS* are never accepted. */
export const ASYMMETRIC_ALGORITHMS = [
  'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA',
] as const;

const intIn = (min: number, max: number) =>
  z.coerce.number({ error: `must be an integer between ${min} and ${max}` }).int(`must be an integer between ${min} and ${max}`)
    .min(min, `must be an integer between ${min} and ${max}`).max(max, `must be an integer between ${min} and ${max}`);

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' });

/** Raw environment, validated field by field so an error names its variable. */
const EnvSchema = z.object({
  NODE_ENV: z.enum(['production', 'development', 'test'], { error: 'must be production, development or test' }).default('development'),
  PORT: intIn(0, 65535).default(3030),
  HOST: z.string().min(1, 'must not be empty').optional(),
  PUBLIC_BASE_URL: httpUrl.optional(),
  NEONPANEL_API_BASE: httpUrl.default('https://my.neonpanel.com'),
  OAUTH_ISSUER: httpUrl.optional(),
  OAUTH_JWKS_URI: httpUrl.optional(),
  OAUTH_AUDIENCE: z.string().optional(),
  OAUTH_SCOPES: z.string().optional(),
  OAUTH_PROFILE: z.enum(['neonpanel', 'standard'], { error: 'must be neonpanel or standard' }).default('standard'),
  OAUTH_ADVERTISED_SCOPES: z.string().optional(),
  OAUTH_SCOPE_MAP: z.string().optional(),
  OAUTH_ALLOWED_CLIENTS: z.string().optional(),
  OAUTH_ACCEPT_PLAIN_JWT: z.enum(['true', 'false'], { error: 'must be true or false' }).default('false'),
  OAUTH_INTROSPECTION_URL: httpUrl.optional(),
  OAUTH_CLIENT_ID: z.string().optional(),
  OAUTH_CLIENT_SECRET: z.string().optional(),
  OAUTH_AUTHORIZATION_ENDPOINT: httpUrl.optional(),
  OAUTH_TOKEN_ENDPOINT: httpUrl.optional(),
  OAUTH_REGISTRATION_ENDPOINT: httpUrl.optional(),
  OAUTH_ALGORITHMS: z.string().optional(),
  OAUTH_CLOCK_SKEW_SECONDS: intIn(0, 300).default(30),
  OAUTH_HTTP_TIMEOUT_MS: intIn(100, 60_000).default(3_000),
  OAUTH_JWKS_COOLDOWN_MS: intIn(0, 3_600_000).default(30_000),
  TOKEN_CACHE_MAX: intIn(0, 1_000_000).default(10_000),
  TOKEN_CACHE_MAX_TTL_SECONDS: intIn(1, 86_400).default(300),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    error: 'must be one of fatal, error, warn, info, debug, trace, silent',
  }).default('info'),
  TRUST_PROXY: z.string().default('false').refine(trustProxyReadable, 'must be true, false, a hop count, or a comma list of addresses, CIDR ranges and loopback/linklocal/uniquelocal'),
  BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i, 'must look like 512kb or 1mb').default('1mb'),
  SHUTDOWN_DRAIN_MS: intIn(0, 600_000).default(25_000),
  ALB_IDLE_TIMEOUT_SECONDS: intIn(1, 4_000).default(3_600),
  MCP_SESSION_MODE: z.enum(['stateful', 'stateless'], { error: 'must be stateful or stateless' }).default('stateful'),
  MCP_MAX_SESSIONS: intIn(1, 1_000_000).default(20_000),
  MCP_MAX_SESSIONS_PER_SUBJECT: intIn(1, 100_000).default(50),
  MCP_SESSION_IDLE_TIMEOUT_MS: intIn(1_000, 86_400_000).default(1_800_000),
  SSE_KEEPALIVE_MS: intIn(1_000, 600_000).default(15_000),
  LEGACY_SSE_SUNSET: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2027-07-28').refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)), 'must be a real date').optional(),
  ALLOWED_ORIGINS: z.string().optional(),
  ALLOWED_HOSTS: z.string().optional(),
  UPSTREAM_AUTH: z.enum(['forward', 'token-exchange'], { error: 'must be forward or token-exchange' }).default('forward'),
  UPSTREAM_TIMEOUT_MS: intIn(100, 120_000).default(15_000),
  UPSTREAM_RETRIES: intIn(0, 5).default(2),
  UPSTREAM_MAX_SOCKETS: intIn(1, 10_000).default(128),
  TOKEN_EXCHANGE_URL: httpUrl.optional(),
  TOKEN_EXCHANGE_AUDIENCE: z.string().optional(),
  COMPANY_CACHE_TTL_MS: intIn(0, 86_400_000).default(300_000),
  MCP_TOOLSETS: z.string().default('default'),
  MCP_READ_ONLY: z.enum(['true', 'false'], { error: 'must be true or false' }).default('false'),
  TELEMETRY: z.enum(['off', 'prometheus', 'otlp', 'console'], { error: 'must be off, prometheus, otlp or console' }).default('off'),
  METRICS_PORT: intIn(0, 65535).default(9464),
  OTLP_ENDPOINT: httpUrl.default('http://127.0.0.1:4318'),
  TELEMETRY_EXPORT_INTERVAL_MS: intIn(1_000, 3_600_000).default(60_000),
  TRACE_FOLLOW_MAX_PER_SECOND: intIn(0, 100_000).default(5),
  TRACE_SAMPLE_RATIO: z.coerce.number({ error: 'must be a number between 0 and 1' }).min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1').default(0.1),
  // Shared state and per-user limits (issue 14).
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL (rediss:// for TLS; user:password@ for AUTH)' }).optional(),
  REDIS_PASSWORD: z.string().min(1, 'must not be empty').optional(),
  REDIS_COMMAND_TIMEOUT_MS: intIn(50, 30_000).default(1_000),
  // ElastiCache Serverless has cluster semantics behind one endpoint (issue 26).
  REDIS_MODE: z.enum(['standalone', 'cluster'], { error: 'must be standalone or cluster' }).default('standalone'),
  RATE_LIMIT_REQUESTS_PER_SECOND: intIn(1, 1_000_000).default(50),
  // Requests a user may send above the steady rate, per 10 s (a token bucket's depth).
  RATE_LIMIT_BURST: intIn(0, 10_000_000).default(250),
  RATE_LIMIT_CONCURRENT_UPSTREAM: intIn(1, 100_000).default(10),
  // One user's share of the NeonPanel connection pool (default: a quarter of UPSTREAM_MAX_SOCKETS, at most RATE_LIMIT_CONCURRENT_UPSTREAM).
  UPSTREAM_MAX_SOCKETS_PER_USER: intIn(1, 10_000).optional(),
  MCP_MAX_BATCH: intIn(1, 1_000).default(20),
  // The OAuth broker (issue 25): this origin as the authorization server MCP clients see.
  AUTH_MODE: z.enum(['broker', 'direct'], { error: 'must be broker or direct' }).default('direct'),
  NEONPANEL_CLIENT_ID: z.string().min(1, 'must not be empty').optional(),
  NEONPANEL_CLIENT_SECRET: z.string().min(1, 'must not be empty').optional(),
  BROKER_VAULT_KEY: z.string().optional(),
  BROKER_SIGNING_KEYS: z.string().optional(),
  BROKER_ACCESS_TOKEN_TTL_SECONDS: intIn(60, 3_600).default(900),
  BROKER_CLIENTS: z.string().optional(),
  BROKER_REGISTRATIONS_PER_HOUR: intIn(1, 100_000).default(20),
  BROKER_VAULT_CACHE_MS: intIn(0, 60_000).default(60_000),
  BROKER_CIMD_ALLOW_LOOPBACK: z.enum(['true', 'false'], { error: 'must be true or false' }).default('false'),
});

export type Env = Record<string, string | undefined>;

export interface Config {
  nodeEnv: 'production' | 'development' | 'test';
  port: number;
  host: string;
  /** Origin (and optional path prefix) clients see, without a trailing slash. */
  publicBaseUrl: string;
  neonpanelApiBase: string;
  oauth: {
    /**
     * How this server reads the authorization server's tokens: `neonpanel` (only `openid`,
     * no RFC 8707 audience, see auth/policy.ts) or `standard` (fine-grained scopes, `aud` = this resource).
     */
    profile: OAuthProfile;
    issuer: string;
    /** Set by the operator; when undefined (and no introspection only), `jwks_uri` is discovered from the issuer's metadata. */
    jwksUri: string | undefined;
    /** True when the JWKS comes from discovery rather than OAUTH_JWKS_URI. */
    discoverJwks: boolean;
    introspectionUrl: string | undefined;
    clientId: string | undefined;
    clientSecret: string | undefined;
    /** Every `aud` value a token may carry to be accepted here. */
    audiences: string[];
    /** OAUTH_SCOPES: the scopes `standard` advertises by default (today's behaviour); undefined = the tools' scopes. */
    scopes: string[] | undefined;
    /** OAUTH_ADVERTISED_SCOPES: scopes named in PRM and challenges, in every profile; undefined = the profile's rule. */
    advertisedScopes: string[] | undefined;
    /** OAUTH_SCOPE_MAP: token scope → tool scopes it grants (`*` = every tool scope). */
    scopeMap: ScopeMap;
    /** OAUTH_ALLOWED_CLIENTS: when set, only tokens of these clients (`client_id`/`azp`, or a client `aud`) are accepted. */
    allowedClients: string[] | undefined;
    /**
     * OAUTH_ACCEPT_PLAIN_JWT: under `standard`, accept JWT access tokens whose header `typ` is
     * not `at+jwt` (issuers that predate RFC 9068). ID and refresh tokens are refused regardless.
     */
    acceptPlainJwt: boolean;
    algorithms: string[];
    clockSkewSeconds: number;
    httpTimeoutMs: number;
    jwksCooldownMs: number;
    /** When both endpoints are set, AS metadata is served from config instead of fetched. */
    staticMetadata: { authorizationEndpoint: string; tokenEndpoint: string; registrationEndpoint: string | undefined } | undefined;
  };
  tokenCache: { max: number; maxTtlSeconds: number };
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  trustProxy: boolean | number | string;
  bodyLimit: string;
  shutdownDrainMs: number;
  http: { keepAliveTimeoutMs: number; headersTimeoutMs: number };
  mcp: {
    sessionMode: 'stateful' | 'stateless';
    maxSessions: number;
    maxSessionsPerSubject: number;
    sessionIdleTimeoutMs: number;
    sseKeepAliveMs: number;
    /** When the deprecated HTTP+SSE transport (`/sse`, `/messages`) goes away, once decided (`Sunset` header). */
    legacySseSunset: Date | undefined;
    /** Exact origins, or `scheme://host:*` for any port. */
    allowedOrigins: string[];
    /** Host header values accepted; empty means any (the server is not bound to loopback). */
    allowedHosts: string[];
    /** Which tools every surface publishes (MCP_TOOLSETS, MCP_READ_ONLY). */
    tools: ToolsetSelection;
  };
  upstream: {
    auth: 'forward' | 'token-exchange';
    timeoutMs: number;
    retries: number;
    maxSockets: number;
    tokenExchangeUrl: string | undefined;
    tokenExchangeAudience: string | undefined;
    companyCacheTtlMs: number;
  };
  /** OpenTelemetry (src/telemetry/): off unless TELEMETRY says otherwise. */
  telemetry: {
    mode: 'off' | 'prometheus' | 'otlp' | 'console';
    /** Loopback-only `/metrics` listener (mode `prometheus`); never the public port. */
    metricsPort: number;
    /** OTLP/HTTP base URL (mode `otlp`): the ADOT collector sidecar in the task. */
    otlpEndpoint: string;
    exportIntervalMs: number;
    /** Head sampling for traces without a sampled parent, and for client-sampled ones not followed. */
    traceSampleRatio: number;
    /**
     * TRACE_FOLLOW_MAX_PER_SECOND: a client's sampled `traceparent` is followed on authenticated
     * requests only, at most this many per second per process (0: never); anyone could otherwise force 100 % tracing.
     */
    followedTracesPerSecond: number;
  };
  /** Shared state (store/): in memory unless REDIS_URL is set. */
  store: {
    redisUrl: string | undefined;
    /** AUTH password kept out of the URL, so the stack can inject it from Secrets Manager. */
    redisPassword: string | undefined;
    commandTimeoutMs: number;
    /** `cluster` speaks the cluster protocol (ElastiCache Serverless); `standalone` a plain node. */
    redisMode: 'standalone' | 'cluster';
  };
  /**
   * Per-user limits, keyed by the token's `sub`; counted across tasks when Redis is configured.
   * `burst`: requests allowed above the steady rate per 10 s. `concurrentUpstream` counts
   * NeonPanel requests in flight; `socketsPerUser` bounds one user's share of this task's pool.
   */
  limits: { requestsPerSecond: number; burst: number; concurrentUpstream: number; socketsPerUser: number; maxBatch: number };
  /**
   * `direct`: clients bring NeonPanel's (or any configured issuer's) tokens. `broker`: this
   * origin is the authorization server clients see (auth/broker/); `oauth.issuer` is then the
   * upstream NeonPanel issuer people sign in at.
   */
  authMode: 'broker' | 'direct';
  broker: BrokerConfig;
}

/** The broker's settings (AUTH_MODE=broker); parsed in every mode so a typo is caught early. */
export interface BrokerConfig {
  /** Our one confidential client at NeonPanel. */
  neonpanelClientId: string | undefined;
  neonpanelClientSecret: string | undefined;
  /** BROKER_VAULT_KEY: the first key encrypts, every key decrypts. Undefined: a random key per process (not production). */
  vaultKeys: readonly VaultKey[] | undefined;
  /** BROKER_SIGNING_KEYS: private JWKs; the first signs, all verify. Undefined: generated per process (not production). */
  signingKeys: readonly Record<string, unknown>[] | undefined;
  accessTokenTtlSeconds: number;
  /** BROKER_CLIENTS: pre-registered clients (RFC 7591 metadata, public: token_endpoint_auth_method none). */
  clients: readonly Record<string, unknown>[];
  /** Dynamic registrations per source address per hour. */
  registrationsPerHour: number;
  /** Test-only: a CIMD document may be fetched from loopback (never in production). */
  cimdAllowLoopback: boolean;
  /** How long a decrypted vault entry stays in this process (0: never cached; at most 60 s). */
  vaultCacheMs: number;
}

export interface VaultKey {
  kid: string;
  key: Buffer;
}

const VAULT_KEY_ENTRY = /^([A-Za-z0-9._-]{1,64}):([A-Za-z0-9_-]{43})$/;

/** `kid:base64url-32-bytes`, comma-separated; the first one writes. */
export function parseVaultKeys(raw: string): VaultKey[] {
  const entries = raw.split(',').map((e) => e.trim()).filter(Boolean);
  const keys = entries.map((entry) => {
    const match = VAULT_KEY_ENTRY.exec(entry);
    const key = match ? Buffer.from(match[2]!, 'base64url') : undefined;
    if (!match || key?.length !== 32) throw new ConfigError('BROKER_VAULT_KEY', 'must be one or more kid:base64url-32-bytes entries, comma-separated');
    return { kid: match[1]!, key };
  });
  if (keys.length === 0) throw new ConfigError('BROKER_VAULT_KEY', 'must be one or more kid:base64url-32-bytes entries, comma-separated');
  if (new Set(keys.map((k) => k.kid)).size !== keys.length) throw new ConfigError('BROKER_VAULT_KEY', 'must not repeat a key id');
  return keys;
}

/** A private JWKS as JSON, each key with `kid`, `alg` and its private part. */
export function parseSigningKeys(raw: string): Record<string, unknown>[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError('BROKER_SIGNING_KEYS', 'must be a private JWKS as JSON: {"keys":[…]}');
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0) throw new ConfigError('BROKER_SIGNING_KEYS', 'must be a private JWKS as JSON: {"keys":[…]} with at least one key');
  for (const key of keys as Array<Record<string, unknown>>) {
    if (typeof key !== 'object' || key === null || typeof key['kid'] !== 'string' || typeof key['d'] !== 'string'
      || !(ASYMMETRIC_ALGORITHMS as readonly unknown[]).includes(key['alg'])) {
      throw new ConfigError('BROKER_SIGNING_KEYS', 'must hold private keys, each with a kid and an asymmetric alg');
    }
  }
  return keys as Record<string, unknown>[];
}

function parseBrokerClients(raw: string | undefined): Record<string, unknown>[] {
  if (raw === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError('BROKER_CLIENTS', 'must be a JSON array of client metadata objects');
  }
  if (!Array.isArray(parsed) || !parsed.every((c) => typeof c === 'object' && c !== null && typeof (c as Record<string, unknown>)['client_id'] === 'string')) {
    throw new ConfigError('BROKER_CLIENTS', 'must be a JSON array of client metadata objects, each with a client_id');
  }
  return parsed as Record<string, unknown>[];
}

function firstIssue(error: z.ZodError): ConfigError {
  const issue = error.issues[0]!;
  const variable = String(issue.path[0] ?? 'environment');
  return new ConfigError(variable, issue.message);
}

/** Parses and validates the environment. Throws `ConfigError` naming the first bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const cleaned: Env = {};
  for (const key of Object.keys(EnvSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') cleaned[key] = value;
  }
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) throw firstIssue(parsed.error);
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';

  if (production) {
    if (!e.OAUTH_ISSUER) throw new ConfigError('OAUTH_ISSUER', 'is required when NODE_ENV=production');
    if (!e.PUBLIC_BASE_URL) throw new ConfigError('PUBLIC_BASE_URL', 'is required when NODE_ENV=production');
  }
  if (e.AUTH_MODE === 'broker' && production) {
    // Tasks must share signing and vault keys, and the NeonPanel client is one registration.
    for (const name of ['BROKER_SIGNING_KEYS', 'BROKER_VAULT_KEY', 'NEONPANEL_CLIENT_ID', 'NEONPANEL_CLIENT_SECRET'] as const) {
      if (!e[name]) throw new ConfigError(name, 'is required when AUTH_MODE=broker and NODE_ENV=production');
    }
  }
  if (e.BROKER_CIMD_ALLOW_LOOPBACK === 'true' && production) {
    throw new ConfigError('BROKER_CIMD_ALLOW_LOOPBACK', 'is a test-only setting and may not be true when NODE_ENV=production');
  }
  if (e.OAUTH_INTROSPECTION_URL && !e.OAUTH_CLIENT_ID) {
    throw new ConfigError('OAUTH_CLIENT_ID', 'is required when OAUTH_INTROSPECTION_URL is set');
  }
  if (e.UPSTREAM_AUTH === 'token-exchange' && !e.TOKEN_EXCHANGE_URL && !e.OAUTH_TOKEN_ENDPOINT) {
    throw new ConfigError('TOKEN_EXCHANGE_URL', 'is required when UPSTREAM_AUTH=token-exchange');
  }

  if (e.PUBLIC_BASE_URL && !/^https?:\/\/[^/]+\/?$/.test(e.PUBLIC_BASE_URL)) {
    // Every advertised URL (challenge, RFC 9728 documents) is built as base + absolute path.
    throw new ConfigError('PUBLIC_BASE_URL', 'must be an origin such as https://mcp.example.com, with no path');
  }
  const host = e.HOST ?? (production ? '0.0.0.0' : '127.0.0.1');
  const publicBaseUrl = stripSlash(e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`);
  // Outside production the embedded development authorization server (`pnpm dev`) listens here.
  const issuer = stripSlash(e.OAUTH_ISSUER ?? 'http://localhost:3031');
  // No guessing: without OAUTH_JWKS_URI the keys are found through the issuer's metadata
  // (RFC 8414, then OpenID discovery), unless only introspection is configured.
  const jwksUri = e.OAUTH_JWKS_URI;
  const discoverJwks = !e.OAUTH_JWKS_URI && !e.OAUTH_INTROSPECTION_URL;
  const audiences = list(e.OAUTH_AUDIENCE) ?? defaultAudiences(publicBaseUrl);
  const unaccepted = resourceIdentifiers(publicBaseUrl).filter((r) => !audiences.includes(r));
  if (unaccepted.length > 0) {
    // Every resource advertised in RFC 9728 metadata is one a client may ask a token for;
    // refusing such a token would make discovery lie.
    throw new ConfigError('OAUTH_AUDIENCE', `must include every resource this server advertises; missing ${unaccepted.join(', ')}`);
  }

  const algorithms = list(e.OAUTH_ALGORITHMS) ?? [...ASYMMETRIC_ALGORITHMS];
  const badAlg = algorithms.find((a) => !(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(a));
  if (badAlg) throw new ConfigError('OAUTH_ALGORITHMS', `may only list asymmetric algorithms (${ASYMMETRIC_ALGORITHMS.join(', ')}); got ${badAlg}`);

  const allowedOrigins = list(e.ALLOWED_ORIGINS) ?? defaultAllowedOrigins(publicBaseUrl, production);
  const allowedHosts = list(e.ALLOWED_HOSTS) ?? defaultAllowedHosts(host, e.PORT, publicBaseUrl);

  if (e.OAUTH_AUTHORIZATION_ENDPOINT && e.OAUTH_TOKEN_ENDPOINT && discoverJwks) {
    // Endpoints given by hand mean the issuer publishes no metadata, so there is no jwks_uri to discover.
    throw new ConfigError('OAUTH_JWKS_URI', 'is required when OAUTH_AUTHORIZATION_ENDPOINT and OAUTH_TOKEN_ENDPOINT replace the issuer\'s metadata');
  }
  const staticMetadata = e.OAUTH_AUTHORIZATION_ENDPOINT && e.OAUTH_TOKEN_ENDPOINT
    ? {
        authorizationEndpoint: e.OAUTH_AUTHORIZATION_ENDPOINT,
        tokenEndpoint: e.OAUTH_TOKEN_ENDPOINT,
        registrationEndpoint: e.OAUTH_REGISTRATION_ENDPOINT,
      }
    : undefined;

  const config: Config = {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    host,
    publicBaseUrl,
    neonpanelApiBase: stripSlash(e.NEONPANEL_API_BASE),
    oauth: {
      profile: e.OAUTH_PROFILE,
      issuer,
      jwksUri,
      discoverJwks,
      introspectionUrl: e.OAUTH_INTROSPECTION_URL,
      clientId: e.OAUTH_CLIENT_ID,
      clientSecret: e.OAUTH_CLIENT_SECRET,
      audiences,
      scopes: list(e.OAUTH_SCOPES),
      advertisedScopes: list(e.OAUTH_ADVERTISED_SCOPES),
      // In broker mode our own tokens carry the tools' scopes, whatever NeonPanel issues.
      scopeMap: e.OAUTH_SCOPE_MAP !== undefined ? parseScopeMap(e.OAUTH_SCOPE_MAP) : e.AUTH_MODE === 'broker' ? {} : PROFILE_SCOPE_MAPS[e.OAUTH_PROFILE],
      allowedClients: list(e.OAUTH_ALLOWED_CLIENTS),
      acceptPlainJwt: e.OAUTH_ACCEPT_PLAIN_JWT === 'true',
      algorithms,
      clockSkewSeconds: e.OAUTH_CLOCK_SKEW_SECONDS,
      httpTimeoutMs: e.OAUTH_HTTP_TIMEOUT_MS,
      jwksCooldownMs: e.OAUTH_JWKS_COOLDOWN_MS,
      staticMetadata,
    },
    tokenCache: { max: e.TOKEN_CACHE_MAX, maxTtlSeconds: e.TOKEN_CACHE_MAX_TTL_SECONDS },
    logLevel: e.LOG_LEVEL,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    bodyLimit: e.BODY_LIMIT,
    shutdownDrainMs: e.SHUTDOWN_DRAIN_MS,
    // Above the ALB idle timeout, so the ALB (not Node) always closes idle connections first;
    // otherwise the ALB can reuse a socket Node just closed and answer 502.
    http: {
      keepAliveTimeoutMs: (e.ALB_IDLE_TIMEOUT_SECONDS + 5) * 1000,
      headersTimeoutMs: (e.ALB_IDLE_TIMEOUT_SECONDS + 10) * 1000,
    },
    mcp: {
      sessionMode: e.MCP_SESSION_MODE,
      maxSessions: e.MCP_MAX_SESSIONS,
      maxSessionsPerSubject: e.MCP_MAX_SESSIONS_PER_SUBJECT,
      sessionIdleTimeoutMs: e.MCP_SESSION_IDLE_TIMEOUT_MS,
      sseKeepAliveMs: e.SSE_KEEPALIVE_MS,
      legacySseSunset: e.LEGACY_SSE_SUNSET === undefined ? undefined : new Date(`${e.LEGACY_SSE_SUNSET}T00:00:00Z`),
      allowedOrigins,
      allowedHosts,
      tools: { toolsets: parseToolsets(e.MCP_TOOLSETS), readOnly: e.MCP_READ_ONLY === 'true' },
    },
    upstream: {
      auth: e.UPSTREAM_AUTH,
      timeoutMs: e.UPSTREAM_TIMEOUT_MS,
      retries: e.UPSTREAM_RETRIES,
      maxSockets: e.UPSTREAM_MAX_SOCKETS,
      tokenExchangeUrl: e.TOKEN_EXCHANGE_URL ?? e.OAUTH_TOKEN_ENDPOINT,
      tokenExchangeAudience: e.TOKEN_EXCHANGE_AUDIENCE,
      companyCacheTtlMs: e.COMPANY_CACHE_TTL_MS,
    },
    telemetry: {
      mode: e.TELEMETRY,
      metricsPort: e.METRICS_PORT,
      otlpEndpoint: stripSlash(e.OTLP_ENDPOINT),
      exportIntervalMs: e.TELEMETRY_EXPORT_INTERVAL_MS,
      traceSampleRatio: e.TRACE_SAMPLE_RATIO,
      followedTracesPerSecond: e.TRACE_FOLLOW_MAX_PER_SECOND,
    },
    store: { redisUrl: e.REDIS_URL, redisPassword: e.REDIS_PASSWORD, commandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS, redisMode: e.REDIS_MODE },
    limits: {
      requestsPerSecond: e.RATE_LIMIT_REQUESTS_PER_SECOND,
      burst: e.RATE_LIMIT_BURST,
      concurrentUpstream: e.RATE_LIMIT_CONCURRENT_UPSTREAM,
      // A user's fan-out queues in this task rather than be refused by its own in-flight limit.
      socketsPerUser: e.UPSTREAM_MAX_SOCKETS_PER_USER ?? Math.min(Math.max(1, Math.ceil(e.UPSTREAM_MAX_SOCKETS / 4)), e.RATE_LIMIT_CONCURRENT_UPSTREAM),
      maxBatch: e.MCP_MAX_BATCH,
    },
    authMode: e.AUTH_MODE,
    broker: {
      neonpanelClientId: e.NEONPANEL_CLIENT_ID,
      neonpanelClientSecret: e.NEONPANEL_CLIENT_SECRET,
      vaultKeys: e.BROKER_VAULT_KEY ? parseVaultKeys(e.BROKER_VAULT_KEY) : undefined,
      signingKeys: e.BROKER_SIGNING_KEYS ? parseSigningKeys(e.BROKER_SIGNING_KEYS) : undefined,
      accessTokenTtlSeconds: e.BROKER_ACCESS_TOKEN_TTL_SECONDS,
      clients: parseBrokerClients(e.BROKER_CLIENTS),
      registrationsPerHour: e.BROKER_REGISTRATIONS_PER_HOUR,
      cimdAllowLoopback: e.BROKER_CIMD_ALLOW_LOOPBACK === 'true',
      vaultCacheMs: e.BROKER_VAULT_CACHE_MS,
    },
  };
  return Object.freeze(config);
}
