/**
 * Builds the verifier the configuration asks for: JWT (JWKS), introspection, or both —
 * then JWS-shaped tokens go to the JWT verifier and opaque ones to introspection. The
 * profile's scope map runs on every verified token, before the cache keeps it.
 */
import type { Config } from '../config.js';
import type { AuthInfo, TokenVerifier } from './types.js';
import { createJwtVerifier } from './jwtVerifier.js';
import { createIntrospectionVerifier } from './introspectionVerifier.js';
import { createCachedVerifier, type CachedVerifier } from './cachedVerifier.js';
import { grantedScopes, type ScopePolicy } from './policy.js';

const JWS_COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export interface VerifierDeps {
  /** Every scope a tool of the registry needs (what `*` in the scope map grants). */
  toolScopes: readonly string[];
  /** Where the JWKS URL comes from when OAUTH_JWKS_URI is not set (issuer metadata). */
  discoveredJwksUri?: () => Promise<string>;
}

/** Applies the scope map: the token's scopes become the tool scopes they grant. */
export function withScopePolicy(inner: TokenVerifier, policy: ScopePolicy): TokenVerifier {
  if (Object.keys(policy.map).length === 0) return inner;
  return {
    async verifyAccessToken(token: string): Promise<AuthInfo> {
      const info = await inner.verifyAccessToken(token);
      return { ...info, scopes: grantedScopes(info.scopes, policy), extra: { ...info.extra, tokenScopes: info.scopes } };
    },
  };
}

export function createVerifier(config: Config, deps: VerifierDeps): CachedVerifier {
  const { oauth } = config;
  const jwksUri = oauth.jwksUri ?? (oauth.discoverJwks ? deps.discoveredJwksUri : undefined);
  const jwt = jwksUri
    ? createJwtVerifier({
        issuer: oauth.issuer,
        jwksUri,
        audiences: oauth.audiences,
        profile: oauth.profile,
        allowedClients: oauth.allowedClients,
        acceptPlainJwt: oauth.acceptPlainJwt,
        algorithms: oauth.algorithms,
        clockSkewSeconds: oauth.clockSkewSeconds,
        timeoutMs: oauth.httpTimeoutMs,
        cooldownMs: oauth.jwksCooldownMs,
      })
    : undefined;
  const introspection = oauth.introspectionUrl
    ? createIntrospectionVerifier({
        introspectionUrl: oauth.introspectionUrl,
        clientId: oauth.clientId ?? '',
        clientSecret: oauth.clientSecret,
        issuer: oauth.issuer,
        audiences: oauth.audiences,
        profile: oauth.profile,
        allowedClients: oauth.allowedClients,
        timeoutMs: oauth.httpTimeoutMs,
        clockSkewSeconds: oauth.clockSkewSeconds,
      })
    : undefined;
  if (!jwt && !introspection) throw new Error('createVerifier: no JWKS (configured or discovered) and no introspection endpoint');

  let verifier: TokenVerifier;
  if (jwt && introspection) {
    verifier = {
      verifyAccessToken: (token) => (JWS_COMPACT.test(token) ? jwt : introspection).verifyAccessToken(token),
    };
  } else {
    verifier = (jwt ?? introspection)!;
  }
  return createCachedVerifier(withScopePolicy(verifier, { map: oauth.scopeMap, toolScopes: deps.toolScopes }), config.tokenCache);
}
