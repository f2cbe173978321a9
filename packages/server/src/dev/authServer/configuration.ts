/**
 * The oidc-provider configuration of the development authorization server: OAuth 2.1 code
 * flow with PKCE S256, open dynamic client registration, rotating refresh tokens, and
 * RFC 8707 resource indicators that yield RFC 9068 JWT access tokens for the MCP server.
 *
 * Every default helper oidc-provider marks "you should change this" is given here, which
 * both states our policy and keeps its start-up notices out of the dev log.
 */
import type { Account, AdapterFactory, ClientMetadata, Configuration, errors as OidcErrors, JWK } from 'oidc-provider';
import type { DemoUser } from '../demoUsers.js';
import type { SigningAlgorithm, SigningJwk } from './keys.js';
import { OIDC_SCOPES } from './scopes.js';
import { renderMessagePage } from './pages.js';
import { htmlErrorPage, redirectOriginCors, tokenLifetimes } from '../../auth/broker/oidcPolicies.js';

/** A refresh token's absolute lifetime: rotation hands its remainder on rather than extending it. */
const REFRESH_TOKEN_TTL_SECONDS = 14 * 24 * 3600;
const SESSION_TTL_SECONDS = 24 * 3600;
const INTERACTION_TTL_SECONDS = 30 * 60;
const GRANT_TTL_SECONDS = 14 * 24 * 3600;
const ID_TOKEN_TTL_SECONDS = 3600;

/**
 * `standard`: RFC 8707 resource indicators, the MCP scopes, tokens whose `aud` is the MCP
 * resource. `neonpanel`: what NeonPanel's authorization server does (API 1.2.0-beta): only
 * `openid`, the `resource` parameter ignored, `aud` = the client id, the token shaped as
 * Laravel Passport shapes it (`scopes` array, no `client_id` claim), `/oauth2/*` endpoints and
 * the JWKS at `/.well-known/jwks.json`.
 */
export type DevAuthProfile = 'standard' | 'neonpanel';

/** NeonPanel's endpoint layout (its published API document). */
export const NEONPANEL_ROUTES = {
  authorization: '/oauth2/authorize',
  token: '/oauth2/token',
  registration: '/oauth2/register',
  jwks: '/.well-known/jwks.json',
  revocation: '/oauth2/revoke',
  introspection: '/oauth2/introspect',
  end_session: '/oauth2/logout',
} as const;

/** The one resource server behind every token under `neonpanel`: NeonPanel's own API. */
const NEONPANEL_API_RESOURCE = 'urn:neonpanel:api';

export interface ProviderConfigurationInput {
  /** Default `standard`. */
  profile?: DevAuthProfile;
  /** The resource identifiers a client may ask a token for; the first is the default. */
  resources: readonly string[];
  /** The MCP scopes tokens may carry. */
  scopes: readonly string[];
  accessTokenTtlSeconds: number;
  keys: readonly SigningJwk[];
  users: readonly DemoUser[];
  /** Keys that sign the session and interaction cookies. */
  cookieKeys: string[];
  adapter: AdapterFactory;
  /** Clients registered at start (the broker's confidential client at "NeonPanel"). */
  clients?: readonly ClientMetadata[];
  InvalidTarget: typeof OidcErrors.InvalidTarget;
}

/**
 * Maps a requested resource indicator to the configured identifier it names. Comparison is
 * by URL (`http://localhost:3030/` names `http://localhost:3030`), because clients
 * serialise URLs with `URL.href`; the token then carries the spelling the resource server
 * checks its audience against.
 */
export function resourceResolver(resources: readonly string[]): (indicator: string) => string | undefined {
  const byHref = new Map<string, string>();
  for (const resource of resources) byHref.set(new URL(resource).href, resource);
  return (indicator) => {
    let href: string;
    try {
      href = new URL(indicator).href;
    } catch {
      return undefined;
    }
    return byHref.get(href);
  };
}

export function providerConfiguration(input: ProviderConfigurationInput): Configuration {
  const { users, InvalidTarget } = input;
  const neonpanel = input.profile === 'neonpanel';
  const alg: SigningAlgorithm = input.keys[0]!.alg;
  const resolveResource = resourceResolver(input.resources);
  const defaultResource = neonpanel ? NEONPANEL_API_RESOURCE : input.resources[0]!;
  const resourceScope = neonpanel ? 'openid' : input.scopes.join(' ');

  return {
    adapter: input.adapter,
    ...(input.clients ? { clients: [...input.clients] } : {}),
    jwks: { keys: input.keys as JWK[] },
    cookies: {
      keys: input.cookieKeys,
      // Not `secure`: oidc-provider marks cookies secure only when the request itself is
      // https, so they work on http://localhost in development.
      long: { httpOnly: true, sameSite: 'lax' },
      short: { httpOnly: true, sameSite: 'lax' },
    },

    // MCP scopes are listed here too, not only on the resource server: RFC 7591 clients
    // (the MCP SDK among them) register with `scope` set to the resource's scopes, and
    // oidc-provider accepts a registered scope only if it is one of these. The consent step
    // records them as resource scopes, which is what the access token carries.
    scopes: neonpanel ? ['openid'] : [...OIDC_SCOPES, ...input.scopes],
    ...(neonpanel ? { routes: { ...NEONPANEL_ROUTES } } : {}),
    responseTypes: ['code'],
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: alg,
    },
    clientAuthMethods: ['none', 'client_secret_basic', 'client_secret_post'],
    pkce: { required: () => true },

    features: {
      // Our own login and consent pages (interactions.ts) replace the built-in demo ones.
      devInteractions: { enabled: false },
      registration: { enabled: true, initialAccessToken: false, issueRegistrationAccessToken: false },
      // Every access token is for the MCP server, so there is no UserInfo audience to serve.
      userinfo: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      // Under `neonpanel` the feature stays on only because oidc-provider issues JWT access
      // tokens through it: every indicator a client sends is ignored (NeonPanel documents no
      // `resource` parameter) and the token's `aud` is the client id.
      resourceIndicators: {
        enabled: true,
        defaultResource: (_ctx, _client, oneOf) => (neonpanel ? defaultResource : oneOf ?? defaultResource),
        // A client that named its resource at the authorization endpoint need not repeat it.
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator, client) => {
          if (neonpanel) {
            return {
              scope: resourceScope,
              audience: client.clientId,
              accessTokenTTL: input.accessTokenTtlSeconds,
              accessTokenFormat: 'jwt',
              jwt: { sign: { alg } },
            };
          }
          const resource = resolveResource(indicator);
          if (!resource) throw new InvalidTarget('The requested resource is not served by this authorization server.');
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

    ...(neonpanel ? {
      formats: {
        customizers: {
          // Laravel Passport's shape: `scopes` as an array and no `client_id` claim; `aud` names the client.
          jwt: (_ctx: unknown, _token: unknown, jwt: { payload: Record<string, unknown> }) => {
            const { payload } = jwt;
            payload['scopes'] = String(payload['scope'] ?? '').split(' ').filter(Boolean);
            delete payload['client_id'];
          },
        },
      },
    } : {}),

    findAccount: (_ctx, sub): Account | undefined => {
      const user = users.find((u) => u.subject === sub);
      if (!user) return undefined;
      return {
        accountId: user.subject,
        claims: () => ({ sub: user.subject }),
      };
    },

    // MCP clients ask for the resource's scopes, not `offline_access`, yet must be able to
    // renew: a client that registered the refresh_token grant gets a refresh token.
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    // One-time refresh tokens for every client (OAuth 2.1 §4.3.1): reuse of a spent one is
    // detected and revokes the whole grant.
    rotateRefreshToken: true,
    // Tokens outlive the sign-in session cookie, as they would at NeonPanel.
    expiresWithSession: () => false,

    ttl: tokenLifetimes({
      accessTokenSeconds: input.accessTokenTtlSeconds,
      idTokenSeconds: ID_TOKEN_TTL_SECONDS,
      interactionSeconds: INTERACTION_TTL_SECONDS,
      sessionSeconds: SESSION_TTL_SECONDS,
      grantSeconds: GRANT_TTL_SECONDS,
      refreshTokenSeconds: REFRESH_TOKEN_TTL_SECONDS,
    }),
    clientBasedCORS: redirectOriginCors,
    renderError: htmlErrorPage(renderMessagePage),
  };
}
