/**
 * Builds the verifier the configuration asks for: JWT (JWKS), introspection, or both —
 * then JWS-shaped tokens go to the JWT verifier and opaque ones to introspection.
 */
import type { Config } from '../config.js';
import type { TokenVerifier } from './types.js';
import { createJwtVerifier } from './jwtVerifier.js';
import { createIntrospectionVerifier } from './introspectionVerifier.js';
import { createCachedVerifier, type CachedVerifier } from './cachedVerifier.js';

const JWS_COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export function createVerifier(config: Config): CachedVerifier {
  const { oauth } = config;
  const jwt = oauth.jwksUri
    ? createJwtVerifier({
        issuer: oauth.issuer,
        jwksUri: oauth.jwksUri,
        audiences: oauth.audiences,
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
        timeoutMs: oauth.httpTimeoutMs,
        clockSkewSeconds: oauth.clockSkewSeconds,
      })
    : undefined;

  let verifier: TokenVerifier;
  if (jwt && introspection) {
    verifier = {
      verifyAccessToken: (token) => (JWS_COMPACT.test(token) ? jwt : introspection).verifyAccessToken(token),
    };
  } else {
    verifier = (jwt ?? introspection)!; // config guarantees at least one
  }
  return createCachedVerifier(verifier, config.tokenCache);
}
