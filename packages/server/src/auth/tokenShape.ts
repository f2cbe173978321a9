/**
 * Is a verified token an access token at all? An authorization server hands a client an ID
 * token and a refresh token next to the access token, often signed with the same key, so a
 * good signature and issuer say nothing about which of the three was presented. These rules
 * apply wherever we accept tokens we did not issue (direct mode).
 *
 * What NeonPanel (Laravel Passport, league/oauth2-server, lcobucci/jwt) issues, which the rules
 * are written against:
 * - access token: header `typ: JWT`; claims `aud` (the client id), `jti` (the token's id in
 *   Passport's table), `iat`/`nbf`/`exp` (with microseconds), `sub`, `scopes` (an array);
 * - ID token (its OpenID Connect add-on): `aud` (the client id), `iss`, `iat`, `exp`, `sub`,
 *   `nonce` when the client sent one, profile claims; no `jti`, no scope claim;
 * - refresh token: an encrypted opaque string, never a JWS (it fails as malformed).
 * Other issuers mark the kind explicitly: Keycloak's claim `typ` (`Bearer`, `Refresh`, `ID`,
 * `Offline`), Cognito's `token_use` (`access`, `id`), RFC 9068's header `typ: at+jwt`.
 */
import type { OAuthProfile } from '../config.js';

export interface TokenShapePolicy {
  profile: OAuthProfile;
  /** OAUTH_ACCEPT_PLAIN_JWT: under `standard`, accept a JWT whose header `typ` is not `at+jwt`. */
  acceptPlainJwt: boolean;
}

export interface TokenShapeProblem {
  message: string;
  reason: 'not_access_token';
}

/** Claims defined only for OpenID Connect ID tokens (OIDC Core §2, §3.3.2.11). */
const ID_TOKEN_CLAIMS = ['nonce', 'at_hash', 'c_hash'] as const;

type DeclaredKind = 'access' | 'refresh' | 'id' | 'unknown';

const KINDS: Readonly<Record<string, DeclaredKind>> = {
  'at+jwt': 'access',
  access: 'access',
  access_token: 'access',
  bearer: 'access',
  'urn:ietf:params:oauth:token-type:access_token': 'access',
  refresh: 'refresh',
  refresh_token: 'refresh',
  'refresh+jwt': 'refresh',
  'rt+jwt': 'refresh',
  // Keycloak's offline token is a refresh token that outlives the session.
  offline: 'refresh',
  'urn:ietf:params:oauth:token-type:refresh_token': 'refresh',
  id: 'id',
  id_token: 'id',
  'id+jwt': 'id',
  'urn:ietf:params:oauth:token-type:id_token': 'id',
};

/** A `typ` compared case-insensitively, without the `application/` a media type may drop (RFC 7515 §4.1.9). */
function normalisedType(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value.toLowerCase().replace(/^application\//, '') : undefined;
}

/** What a `typ` or `token_use` value says the token is. */
function declaredKind(value: unknown): DeclaredKind | undefined {
  const normalised = normalisedType(value);
  return normalised === undefined ? undefined : KINDS[normalised] ?? 'unknown';
}

const problem = (message: string): TokenShapeProblem => ({ message, reason: 'not_access_token' });

const ID_TOKEN = problem('The token is an ID token, not an access token.');
const REFRESH_TOKEN = problem('The token is a refresh token, not an access token.');

function refusedKind(kind: DeclaredKind | undefined): TokenShapeProblem | undefined {
  if (kind === 'id') return ID_TOKEN;
  if (kind === 'refresh') return REFRESH_TOKEN;
  return undefined;
}

function hasScopeClaim(claims: Record<string, unknown>): boolean {
  const isScopeValue = (v: unknown) => typeof v === 'string' || (Array.isArray(v) && v.every((s) => typeof s === 'string'));
  return ['scope', 'scp', 'scopes'].some((name) => claims[name] !== undefined && isScopeValue(claims[name]));
}

/**
 * Why a verified JWT is not an access token this server accepts, or undefined when it is.
 * A pure function of the protected header and the claims, run after the signature and `iss`.
 */
export function jwtShapeProblem(header: Record<string, unknown>, claims: Record<string, unknown>, policy: TokenShapePolicy): TokenShapeProblem | undefined {
  if (ID_TOKEN_CLAIMS.some((name) => claims[name] !== undefined)) return ID_TOKEN;
  const declared = refusedKind(declaredKind(header['typ'])) ?? refusedKind(declaredKind(claims['typ'])) ?? refusedKind(declaredKind(claims['token_use']));
  if (declared) return declared;
  if (policy.profile === 'neonpanel') {
    // Passport's access tokens always carry both; its ID tokens carry neither.
    if (typeof claims['jti'] !== 'string' || claims['jti'] === '') return problem('The token has no "jti": it is not an access token.');
    if (!hasScopeClaim(claims)) return problem('The token has no scope claim ("scope", "scp" or "scopes"): it is not an access token.');
    return undefined;
  }
  if (!policy.acceptPlainJwt && normalisedType(header['typ']) !== 'at+jwt') {
    return problem('The token is not an RFC 9068 access token (its header "typ" must be "at+jwt").');
  }
  return undefined;
}

/**
 * Why an RFC 7662 answer does not describe a bearer access token, or undefined when it does
 * (or does not say): `token_type` (RFC 7662 §2.2) when present, and `token_use` (Ory Hydra
 * answers `access_token` or `refresh_token`).
 */
export function introspectedTypeProblem(claims: Record<string, unknown>): TokenShapeProblem | undefined {
  const declared = refusedKind(declaredKind(claims['token_use']));
  if (declared) return declared;
  const tokenType = claims['token_type'];
  if (tokenType === undefined) return undefined;
  const kind = declaredKind(tokenType);
  if (kind === 'access') return undefined;
  // Anything else (DPoP, N_A, a typo) is not a token this server may accept as a bearer token.
  return refusedKind(kind) ?? problem('The token is not a bearer access token.');
}
