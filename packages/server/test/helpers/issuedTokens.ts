/**
 * Tokens exactly as real authorization servers shape them, signed by a test issuer's key: the
 * header and claims are the issuer's, nothing is added. Sources: Laravel Passport
 * (league/oauth2-server's AccessTokenTrait with lcobucci/jwt 4, which writes times with
 * microseconds and no `kid`), its OpenID Connect add-on (jeremy379/laravel-openid-connect's
 * IdTokenResponse), oidc-provider (the development authorization server), Keycloak and Cognito.
 */
import { randomBytes } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';
import type { TestIssuer } from './keys.js';

/** A NeonPanel OAuth client id: Passport's are UUIDs. */
export const PASSPORT_CLIENT_ID = '9c2f0e4e-5d8a-4f1b-9a7e-0c1d2e3f4a5b';
export const PASSPORT_USER_ID = '1042';

export interface IssuedToken {
  header: { alg: string; typ?: string; kid?: string };
  claims: JWTPayload;
}

const seconds = () => Date.now() / 1000;
/** lcobucci/jwt 4 writes `iat`, `nbf` and `exp` with microseconds. */
const micro = (t: number) => Math.floor(t) + 0.123456;

/** NeonPanel's access token (Passport): `typ: JWT`, no `kid`, `aud` the client, an 80-hex `jti`, `scopes`. */
export function passportAccessToken(issuer: TestIssuer, claims: JWTPayload = {}): IssuedToken {
  const t = seconds();
  return {
    header: { typ: 'JWT', alg: 'RS256' },
    claims: {
      iss: issuer.issuer,
      aud: PASSPORT_CLIENT_ID,
      jti: randomBytes(40).toString('hex'),
      iat: micro(t),
      nbf: micro(t),
      exp: micro(t + 3600),
      sub: PASSPORT_USER_ID,
      scopes: ['openid'],
      ...claims,
    },
  };
}

/** NeonPanel's ID token (Passport's OpenID Connect add-on): no `jti`, no scope claim; `nonce` when the client sent one. */
export function passportIdToken(issuer: TestIssuer, claims: JWTPayload = {}): IssuedToken {
  const t = seconds();
  return {
    header: { typ: 'JWT', alg: 'RS256', kid: issuer.kid },
    claims: { aud: PASSPORT_CLIENT_ID, iss: issuer.issuer, iat: micro(t), exp: micro(t + 3600), sub: PASSPORT_USER_ID, email: 'ada@example.com', ...claims },
  };
}

/** oidc-provider's ID token from the token endpoint: `at_hash`, `sid`, `auth_time`, and `nonce` when sent. */
export function oidcProviderIdToken(issuer: TestIssuer, claims: JWTPayload = {}): IssuedToken {
  const t = Math.floor(seconds());
  return {
    header: { typ: 'JWT', alg: 'RS256', kid: issuer.kid },
    claims: { sub: 'user-alice-0001', at_hash: 'x3kWZ2vJmWbHmQ8lYk0QxA', sid: 'b1d3', auth_time: t - 5, aud: 'mcp-client', exp: t + 3600, iat: t, iss: issuer.issuer, ...claims },
  };
}

/** Keycloak marks each token's kind in a `typ` claim: `Bearer`, `Refresh`, `Offline`, `ID`. */
export function keycloakToken(issuer: TestIssuer, typ: 'Bearer' | 'Refresh' | 'Offline' | 'ID', claims: JWTPayload = {}): IssuedToken {
  const t = Math.floor(seconds());
  return {
    header: { typ: 'JWT', alg: 'RS256', kid: issuer.kid },
    claims: { exp: t + 1800, iat: t, jti: randomBytes(16).toString('hex'), iss: issuer.issuer, aud: 'account', sub: 'kc-user-1', typ, azp: 'mcp-client', scope: 'openid profile', ...claims },
  };
}

/** Cognito marks each token's kind in `token_use`: `access` or `id`. */
export function cognitoToken(issuer: TestIssuer, tokenUse: 'access' | 'id', claims: JWTPayload = {}): IssuedToken {
  const t = Math.floor(seconds());
  return {
    header: { alg: 'RS256', kid: issuer.kid },
    claims: { sub: 'cg-user-1', iss: issuer.issuer, token_use: tokenUse, jti: randomBytes(16).toString('hex'), scope: 'openid', client_id: 'cg-client', exp: t + 3600, iat: t, ...claims },
  };
}

/** What Passport returns as `refresh_token`: an encrypted opaque string, not a JWS. */
export const PASSPORT_REFRESH_TOKEN = `def50200${randomBytes(300).toString('hex')}`;

export function sign(issuer: TestIssuer, token: IssuedToken): Promise<string> {
  return new SignJWT(token.claims).setProtectedHeader(token.header).sign(issuer.privateKey);
}
