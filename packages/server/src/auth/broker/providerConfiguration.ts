/**
 * The oidc-provider configuration of the broker: the authorization server MCP clients see.
 *
 * - Clients: pre-registered (BROKER_CLIENTS), Client ID Metadata Documents (an https
 *   client_id is fetched under cimdPolicy.ts), and RFC 7591 registration as the fallback.
 * - Authorization code with PKCE S256 only (oidc-provider 9 knows no `plain`).
 * - RFC 8707: a `resource` other than ours is `invalid_target`; none means `<base>/mcp`.
 * - RFC 9068 access tokens (`typ: at+jwt`) whose `aud` is the resource and whose scopes are
 *   the tools' own; they carry the grant id, so the verifier can tell a revoked grant.
 * - Rotating refresh tokens: a spent one presented again revokes the grant.
 * - RFC 7009 revocation; RFC 9207 `iss` in every authorization response.
 */
import type { Adapter, AsymmetricSigningAlgorithm, ClientMetadata, Configuration, JWK, errors as OidcErrors } from 'oidc-provider';
import { OIDC_SCOPES } from '../scopeDescriptions.js';
import { cimdFetchAllowed } from './cimdPolicy.js';
import { renderMessagePage } from './pages.js';
import { htmlErrorPage, redirectOriginCors, tokenLifetimes } from './oidcPolicies.js';

export const BROKER_ROUTES = {
  authorization: '/oauth/authorize',
  token: '/oauth/token',
  registration: '/oauth/register',
  revocation: '/oauth/revoke',
  jwks: '/oauth/jwks',
  pushed_authorization_request: '/oauth/par',
} as const;

/** Where oidc-provider sends the browser for consent (consent.ts serves it). */
export const INTERACTION_PATH = '/oauth/interaction';

const GRANT_TTL_SECONDS = 30 * 24 * 3600;
const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 3600;
const SESSION_TTL_SECONDS = 14 * 24 * 3600;
/** The sign-in, consent and NeonPanel round trip must fit in it. */
const INTERACTION_TTL_SECONDS = 10 * 60;

const DANGEROUS_SCHEMES = new Set(['javascript:', 'data:', 'file:', 'vbscript:', 'blob:', 'about:', 'ftp:', 'ws:', 'wss:']);
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** Why a redirect URI is refused, or undefined when it may be registered. */
export function redirectUriProblem(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'is not an absolute URI';
  }
  if (url.hash) return 'must not have a fragment';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') return LOOPBACK_HOSTS.has(url.hostname) ? undefined : 'must use https unless it is a loopback address';
  if (DANGEROUS_SCHEMES.has(url.protocol)) return `must not use the ${url.protocol} scheme`;
  return undefined; // a native app's private-use scheme (RFC 8252 §7.1)
}

/** RFC 8252 §7.3: a loopback redirect URI matches a registered one whatever its port. */
export function loopbackPortMatch(requested: string, registered: readonly string[]): boolean {
  let want: URL;
  try {
    want = new URL(requested);
  } catch {
    return false;
  }
  if (want.protocol !== 'http:' || !LOOPBACK_HOSTS.has(want.hostname)) return false;
  const portless = (u: URL) => `${u.protocol}//${u.hostname}${u.pathname}${u.search}`;
  return registered.some((r) => {
    try {
      const have = new URL(r);
      return have.protocol === 'http:' && have.hostname === want.hostname && portless(have) === portless(want);
    } catch {
      return false;
    }
  });
}

export interface BrokerProviderInput {
  /** The resources a token may be for; `<base>/mcp` first (the default). */
  resources: readonly string[];
  defaultResource: string;
  toolScopes: readonly string[];
  accessTokenTtlSeconds: number;
  signingKeys: readonly JWK[];
  cookieKeys: string[];
  adapter: (name: string) => Adapter;
  clients: readonly Record<string, unknown>[];
  cimdAllowLoopback: boolean;
  errors: typeof OidcErrors;
  /** Test-only loopback allowance: a fetch that may reach loopback (with a self-signed certificate). */
  loopbackFetch?: (url: string, init: RequestInit) => Promise<Response>;
}

export function brokerProviderConfiguration(input: BrokerProviderInput): Configuration {
  const { errors } = input;
  const byHref = new Map(input.resources.map((r) => [new URL(r).href, r]));
  const resolveResource = (indicator: string): string | undefined => {
    try {
      return byHref.get(new URL(indicator).href);
    } catch {
      return undefined;
    }
  };
  // config.ts admits asymmetric algorithms only.
  const alg = String(input.signingKeys[0]!.alg) as AsymmetricSigningAlgorithm;
  const resourceScope = input.toolScopes.join(' ');

  return {
    adapter: input.adapter,
    jwks: { keys: [...input.signingKeys] },
    clients: input.clients.map((c) => ({ token_endpoint_auth_method: 'none', ...c }) as unknown as ClientMetadata),
    cookies: {
      keys: input.cookieKeys,
      // Our own names: cookies ignore ports, and in development NeonPanel's stand-in (also
      // oidc-provider) runs on the same host with the default names.
      names: { session: 'mcp_broker_session', interaction: 'mcp_broker_interaction', resume: 'mcp_broker_resume' },
      long: { httpOnly: true, sameSite: 'lax' },
      short: { httpOnly: true, sameSite: 'lax' },
    },
    routes: { ...BROKER_ROUTES },
    // The tool scopes are listed as OIDC scopes too: RFC 7591 clients register with `scope`
    // set to them, and oidc-provider accepts only known scopes; consent grants them per resource.
    scopes: [...OIDC_SCOPES, ...input.toolScopes],
    claims: { openid: ['sub'] },
    responseTypes: ['code'],
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      id_token_signed_response_alg: alg,
    },
    clientAuthMethods: ['none', 'client_secret_basic', 'client_secret_post'],
    pkce: { required: () => true },
    interactions: { url: (_ctx, interaction) => `${INTERACTION_PATH}/${interaction.uid}` },
    // Every authorization is its own grant, with its own NeonPanel tokens in the vault; what
    // a returning person is spared is the consent page (remembered per user, client and
    // redirect URI in consent.ts), not the grant.
    loadExistingGrant: async (ctx) => {
      const grantId = ctx.oidc.result?.consent?.grantId;
      return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
    },
    extraClientMetadata: {
      properties: ['neonpanel_redirect_policy'],
      validator(_ctx, _key, _value, metadata) {
        for (const uri of (metadata['redirect_uris'] as string[] | undefined) ?? []) {
          const problem = redirectUriProblem(uri);
          if (problem) throw new errors.InvalidRedirectUri(`redirect_uri ${problem}`);
        }
      },
    },
    extraTokenClaims: (_ctx, token) => ('grantId' in token && token.grantId ? { grant_id: token.grantId } : undefined),
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: true, initialAccessToken: false, issueRegistrationAccessToken: false },
      revocation: { enabled: true },
      introspection: { enabled: false },
      userinfo: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      clientIdMetadataDocument: {
        enabled: true,
        // The draft oidc-provider implements; acknowledging it pins us to that version's behaviour.
        ack: 'draft-02',
        allowFetch: (_ctx, clientId) => cimdFetchAllowed(clientId, { allowLoopback: input.cimdAllowLoopback }),
        cacheDuration: { min: 30, max: 3600 },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: (_ctx, _client, oneOf) => oneOf ?? input.defaultResource,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator) => {
          const resource = resolveResource(indicator);
          if (!resource) throw new errors.InvalidTarget('The requested resource is not served by this authorization server.');
          return {
            scope: resourceScope,
            audience: resource,
            accessTokenTTL: input.accessTokenTtlSeconds,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg } },
          };
        },
      },
    },
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    expiresWithSession: () => false,
    ttl: tokenLifetimes({
      accessTokenSeconds: input.accessTokenTtlSeconds,
      idTokenSeconds: 3600,
      interactionSeconds: INTERACTION_TTL_SECONDS,
      sessionSeconds: SESSION_TTL_SECONDS,
      grantSeconds: GRANT_TTL_SECONDS,
      refreshTokenSeconds: REFRESH_TOKEN_TTL_SECONDS,
    }),
    clientBasedCORS: redirectOriginCors,
    ...(input.loopbackFetch ? { fetch: (url: string | URL | Request, init?: RequestInit) => input.loopbackFetch!(url instanceof Request ? url.url : String(url), init ?? {}) } : {}),
    renderError: htmlErrorPage(renderMessagePage),
  };
}
