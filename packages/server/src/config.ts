/**
 * Environment → one typed, frozen configuration object.
 *
 * This is the only module that reads `process.env`. Everything else receives a
 * `Config` (or a slice of it), which keeps tests free of global state.
 */
import { z } from 'zod';
import proxyaddr from 'proxy-addr';

export const DEFAULT_SCOPES = [
  'read:inventory',
  'read:analytics',
  'read:companies',
  'read:reports',
  'read:warehouses',
  'read:revenue',
  'read:cogs',
  'read:landed-cost',
  'write:import',
  // Added with the toolsets (documents, payments, catalogue, forecasting, inventory writes).
  'write:inventory',
  'read:documents',
  'write:documents',
  'read:payments',
  'write:payments',
  'read:catalogue',
  'write:catalogue',
  'read:forecasting',
  'write:forecasting',
] as const;

/**
 * The tool groups a deployment can expose (MCP_TOOLSETS). Named here, where the environment
 * is validated; every tool declares one of them (tools/types.ts).
 */
export const TOOLSETS = [
  'account', 'inventory', 'warehouses', 'costs', 'revenue', 'reports', 'imports',
  'documents', 'payments', 'catalogue', 'forecasting', 'research',
] as const;
export type Toolset = (typeof TOOLSETS)[number];

/**
 * `default` (the default of MCP_TOOLSETS): every toolset's read tools, plus the imports toolset
 * in full (its writes existed before toolsets did). `all`: every tool.
 */
export type ToolsetSelection = { toolsets: 'default' | 'all' | readonly Toolset[]; readOnly: boolean };

/** Asymmetric JWS algorithms only: `none` and every HS* are never accepted. */
export const ASYMMETRIC_ALGORITHMS = [
  'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA',
] as const;

/** Origins of the MCP clients people actually use; the operator can replace the list. */
const DEFAULT_CLIENT_ORIGINS = [
  'https://chatgpt.com',
  'https://chat.openai.com',
  'https://claude.ai',
  'https://claude.com',
];
const DEV_ORIGINS = ['http://localhost:*', 'http://127.0.0.1:*', 'http://[::1]:*'];

export class ConfigError extends Error {
  constructor(readonly variable: string, detail: string) {
    super(`Invalid configuration: ${variable} ${detail}`);
    this.name = 'ConfigError';
  }
}

const list = (value: string | undefined): string[] | undefined =>
  value === undefined || value.trim() === ''
    ? undefined
    : value.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);

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
});

export type Env = Record<string, string | undefined>;

export type OAuthProfile = 'neonpanel' | 'standard';

/** Token scope → the tool scopes it grants; `'*'` grants every scope a tool of the registry needs. */
export type ScopeMap = Readonly<Record<string, readonly string[] | '*'>>;

/** Under `neonpanel`, `openid` is the only scope NeonPanel issues, so it grants every tool. */
export const PROFILE_SCOPE_MAPS: Readonly<Record<OAuthProfile, ScopeMap>> = {
  neonpanel: { openid: '*' },
  standard: {},
};

const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * `OAUTH_SCOPE_MAP`: entries separated by `;`, each `token-scope=tool-scope tool-scope…` or
 * `token-scope=*`. Example: `openid=*` or `openid=read:companies read:inventory;admin=*`.
 */
export function parseScopeMap(raw: string): ScopeMap {
  const map: Record<string, readonly string[] | '*'> = {};
  for (const entry of raw.split(';').map((e) => e.trim()).filter(Boolean)) {
    const eq = entry.indexOf('=');
    const from = eq > 0 ? entry.slice(0, eq).trim() : '';
    const to = eq > 0 ? entry.slice(eq + 1).trim().split(/[\s,]+/).filter(Boolean) : [];
    if (!SCOPE_TOKEN.test(from) || to.length === 0 || !to.every((s) => SCOPE_TOKEN.test(s))) {
      throw new ConfigError('OAUTH_SCOPE_MAP', `must be entries like "openid=*" or "openid=read:inventory read:companies" separated by ";"; got "${entry.slice(0, 60)}"`);
    }
    map[from] = to.length === 1 && to[0] === '*' ? '*' : to;
  }
  return map;
}

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
    /** Head sampling for traces without a sampled parent; a client's sampled `traceparent` is honoured. */
    traceSampleRatio: number;
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
}

function firstIssue(error: z.ZodError): ConfigError {
  const issue = error.issues[0]!;
  const variable = String(issue.path[0] ?? 'environment');
  return new ConfigError(variable, issue.message);
}

/** What Express and proxy-addr accept: caught here, so a typo stops start-up with one line naming the variable. */
function trustProxyReadable(raw: string): boolean {
  if (/^(?:true|false|\d+)?$/.test(raw)) return true;
  try {
    proxyaddr.compile(raw.split(',').map((entry) => entry.trim()));
    return true;
  } catch {
    return false;
  }
}

function parseTrustProxy(raw: string): boolean | number | string {
  if (raw === 'true') return true;
  if (raw === 'false' || raw === '') return false;
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw; // express accepts 'loopback', CIDR lists and so on
}

const stripSlash = (url: string): string => url.replace(/\/+$/, '');

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** `default`, `all`, or a comma list of toolset names (`all` may not be mixed with names). */
function parseToolsets(raw: string): ToolsetSelection['toolsets'] {
  const names = list(raw) ?? ['default'];
  if (names.length === 1 && (names[0] === 'default' || names[0] === 'all')) return names[0];
  const unknown = names.find((n) => !(TOOLSETS as readonly string[]).includes(n));
  if (unknown) throw new ConfigError('MCP_TOOLSETS', `must be default, all, or a comma list of ${TOOLSETS.join(', ')}; got ${unknown}`);
  return [...new Set(names)] as Toolset[];
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

  const defaultOrigins = [new URL(publicBaseUrl).origin, ...DEFAULT_CLIENT_ORIGINS, ...(production ? [] : DEV_ORIGINS)];
  const allowedOrigins = list(e.ALLOWED_ORIGINS) ?? defaultOrigins;
  const loopbackBind = LOOPBACK_HOSTS.has(host);
  const allowedHosts = list(e.ALLOWED_HOSTS) ?? (loopbackBind
    ? ['localhost', '127.0.0.1', '[::1]', new URL(publicBaseUrl).hostname].flatMap((h) => [h, `${h}:${e.PORT}`])
    : []);

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
      scopeMap: e.OAUTH_SCOPE_MAP !== undefined ? parseScopeMap(e.OAUTH_SCOPE_MAP) : PROFILE_SCOPE_MAPS[e.OAUTH_PROFILE],
      allowedClients: list(e.OAUTH_ALLOWED_CLIENTS),
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
  };
  return Object.freeze(config);
}

/** The paths this server protects; each gets RFC 9728 metadata at its path-inserted URL. */
export const PROTECTED_PATHS = ['/mcp', '/sse'] as const;

/** The resource identifiers this server advertises: the base URL and each protected path. */
export function resourceIdentifiers(publicBaseUrl: string): string[] {
  return [publicBaseUrl, ...PROTECTED_PATHS.map((p) => `${publicBaseUrl}${p}`)];
}

/**
 * Accepted token audiences: the advertised identifiers, plus the base URL with its slash,
 * because clients that pass the root resource through `new URL(…).href` (the MCP SDK does)
 * ask for `https://host/`.
 */
export function defaultAudiences(publicBaseUrl: string): string[] {
  return [...resourceIdentifiers(publicBaseUrl), `${publicBaseUrl}/`];
}
