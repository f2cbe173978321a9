/**
 * The shape of the `pnpm dev` stack, shared by its entry point (start.ts) and the token
 * command: which ports, which environment the MCP server gets, and the start-up banner.
 */
import { ConfigError, type Config, type Env } from '../../config.js';
import { DEMO_COMPANIES, DEMO_USERS } from '../demoUsers.js';
import type { ClientMetadata } from 'oidc-provider';
import type { DevAuthProfile } from './configuration.js';

export const LOOPBACK = '127.0.0.1';

export interface DevPorts {
  /** The MCP server: PORT, default 3030. */
  mcp: number;
  /** The development authorization server: DEV_AUTH_PORT, default 3031. */
  auth: number;
  /** The NeonPanel sandbox: DEV_SANDBOX_PORT, default 3032. */
  sandbox: number;
}

function portFrom(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ConfigError(name, 'must be an integer between 1 and 65535');
  return port;
}

/** Throws `ConfigError` naming the variable when a port is not a valid port number. */
export function devPorts(env: Env): DevPorts {
  return {
    mcp: portFrom(env, 'PORT', 3030),
    auth: portFrom(env, 'DEV_AUTH_PORT', 3031),
    sandbox: portFrom(env, 'DEV_SANDBOX_PORT', 3032),
  };
}

/**
 * Which authorization server `pnpm dev` plays: `neonpanel` by default, because that is what
 * production talks to; `OAUTH_PROFILE=standard pnpm dev` for the RFC 8707 / fine-grained
 * scope server (and its step-up path). The MCP server runs with the same profile.
 */
export function devProfile(env: Env): DevAuthProfile {
  const raw = env['OAUTH_PROFILE'];
  if (raw === undefined || raw === '') return 'neonpanel';
  if (raw !== 'neonpanel' && raw !== 'standard') throw new ConfigError('OAUTH_PROFILE', 'must be neonpanel or standard');
  return raw;
}

/**
 * `broker` by default: the MCP server is the authorization server its clients see, and the
 * development authorization server plays NeonPanel upstream. `AUTH_MODE=direct pnpm dev`
 * for the old shape, where clients bring the development server's tokens.
 */
export function devAuthMode(env: Env): 'broker' | 'direct' {
  const raw = env['AUTH_MODE'];
  if (raw === undefined || raw === '') return 'broker';
  if (raw !== 'broker' && raw !== 'direct') throw new ConfigError('AUTH_MODE', 'must be broker or direct');
  return raw;
}

/** The broker's confidential client at the development "NeonPanel": a loopback-only secret, never a real one. */
export const DEV_BROKER_CLIENT_ID = 'neonpanel-mcp-dev-broker';
export const DEV_BROKER_CLIENT_SECRET = 'dev-only-broker-secret-not-for-production';

/** The client registration the development authorization server starts with, in broker mode. */
export function devBrokerClient(publicBaseUrl: string): ClientMetadata {
  return {
    client_id: DEV_BROKER_CLIENT_ID,
    client_secret: DEV_BROKER_CLIENT_SECRET,
    client_name: 'NeonPanel MCP (development broker)',
    redirect_uris: [`${publicBaseUrl}/oauth/neonpanel/callback`],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  };
}

export const devIssuer = (ports: DevPorts): string => `http://localhost:${ports.auth}`;
export const devPublicBaseUrl = (ports: DevPorts): string => `http://localhost:${ports.mcp}`;

/**
 * The MCP server's environment: the caller's, with the auth and upstream settings forced to
 * the dev stack's, so `loadConfig` builds the same kind of config production gets from
 * NeonPanel's values. Other settings (LOG_LEVEL, MCP_SESSION_MODE, …) pass through.
 */
export function devServerEnv(env: Env, ports: DevPorts): Env {
  const issuer = devIssuer(ports);
  const broker = devAuthMode(env) === 'broker';
  return {
    ...env,
    AUTH_MODE: broker ? 'broker' : 'direct',
    ...(broker ? { NEONPANEL_CLIENT_ID: DEV_BROKER_CLIENT_ID, NEONPANEL_CLIENT_SECRET: DEV_BROKER_CLIENT_SECRET } : {}),
    NODE_ENV: env['NODE_ENV'] || 'development',
    PORT: String(ports.mcp),
    PUBLIC_BASE_URL: devPublicBaseUrl(ports),
    NEONPANEL_API_BASE: `http://${LOOPBACK}:${ports.sandbox}`,
    // In broker mode the development server plays NeonPanel, so it runs NeonPanel's profile.
    OAUTH_PROFILE: broker ? 'neonpanel' : devProfile(env),
    OAUTH_ISSUER: issuer,
    // Found through the issuer's metadata, as in production: no JWKS URL is configured.
    OAUTH_JWKS_URI: undefined,
    // The audience is the server's own resource identifiers (what the standard AS issues;
    // the neonpanel profile accepts the client-id audience its AS issues).
    OAUTH_AUDIENCE: undefined,
    OAUTH_SCOPE_MAP: undefined,
    OAUTH_ADVERTISED_SCOPES: undefined,
    OAUTH_INTROSPECTION_URL: undefined,
    OAUTH_AUTHORIZATION_ENDPOINT: undefined,
    OAUTH_TOKEN_ENDPOINT: undefined,
    OAUTH_REGISTRATION_ENDPOINT: undefined,
    // The sandbox verifies the user's own token, as NeonPanel does.
    UPSTREAM_AUTH: 'forward',
  };
}

export function devBanner(input: { config: Config; issuer: string; sandboxUrl: string }): string {
  const base = input.config.publicBaseUrl;
  const neonpanel = input.config.oauth.profile === 'neonpanel';
  const broker = input.config.authMode === 'broker';
  const companyName = (uuid: string) => DEMO_COMPANIES.find((c) => c.uuid === uuid)?.name ?? uuid;
  const users = DEMO_USERS.map((u) => [
    `    ${u.login} / ${u.password}  (${u.name})`,
    `      scopes:    ${broker ? 'the tools\' own, as consented (NeonPanel decides per company)' : neonpanel ? 'openid (grants every tool; NeonPanel decides per company)' : u.scopes.join(' ')}`,
    `      companies: ${u.companies.map(companyName).join(', ')}`,
  ].join('\n')).join('\n');
  const token = `TOKEN=$(pnpm -s --filter @neonpanel-mcp/server token -- --user alice${neonpanel && !broker ? '' : ' --scope "read:companies read:inventory"'})`;
  const profile = neonpanel
    ? 'neonpanel (as my.neonpanel.com: only openid, no resource indicators; OAUTH_PROFILE=standard for the other)'
    : 'standard (RFC 8707, fine-grained scopes; unset OAUTH_PROFILE for NeonPanel\'s behaviour)';
  const metadata = neonpanel ? '/.well-known/openid-configuration' : '/.well-known/oauth-authorization-server';
  const authorizationServer = broker
    ? `  Authorization server (broker)   ${base}
    metadata                      ${base}/.well-known/oauth-authorization-server
  NeonPanel (development server)  ${input.issuer}   (people sign in here; AUTH_MODE=direct for the old shape)`
    : `  Authorization server            ${input.issuer}
    metadata                      ${input.issuer}${metadata}`;
  return `
NeonPanel MCP: development stack
  Auth mode                       ${broker ? 'broker (this server issues its own tokens; NeonPanel signs people in)' : 'direct (clients bring the authorization server\'s tokens)'}
  Auth profile                    ${profile}
  MCP endpoint (Streamable HTTP)  ${base}/mcp
  Legacy SSE endpoint             ${base}/sse
  Protected resource metadata     ${base}/.well-known/oauth-protected-resource
${authorizationServer}
  NeonPanel sandbox               ${input.sandboxUrl}

  Demo users (sign in on the authorization server's page):
${users}

  Mint a token (stdout carries only the token):
    ${token}
    curl -s -X POST ${base}/mcp/tools/call -H "Authorization: Bearer $TOKEN" \\
      -H 'content-type: application/json' -d '{"name":"neonpanel_whoami","arguments":{}}'

  MCP Inspector:
    npx @modelcontextprotocol/inspector
      Transport "Streamable HTTP", URL ${base}/mcp, Connect: it registers itself
      and opens the sign-in page (alice / alice).
    npx @modelcontextprotocol/inspector --cli ${base}/mcp --transport http \\
      --header "Authorization: Bearer $TOKEN" --method tools/list

  Ctrl-C stops everything.
`;
}
