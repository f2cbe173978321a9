/**
 * Verifies JWT access tokens (RFC 9068 style) against the issuer's remote JWKS with jose.
 */
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTHeaderParameters, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { OAuthProfile } from '../config.js';
import type { AuthInfo, TokenVerifier } from './types.js';
import { InvalidTokenError, VerifierUnavailableError, type AuthFailureReason } from './errors.js';
import { checkAudience, scopesFromClaims } from './policy.js';
import { jwtShapeProblem } from './tokenShape.js';

export interface JwtVerifierOptions {
  issuer: string;
  /** The JWKS URL, or where to find it once the issuer's metadata is discovered (rejects while it is not). */
  jwksUri: string | (() => Promise<string>);
  /** Accepted `aud` values; under `standard` the token must name at least one. */
  audiences: string[];
  /** How `aud` is judged (auth/policy.ts). Default `standard`. */
  profile?: OAuthProfile;
  /** OAUTH_ACCEPT_PLAIN_JWT: under `standard`, a header `typ` other than `at+jwt` is accepted. Default false. */
  acceptPlainJwt?: boolean;
  /** OAUTH_ALLOWED_CLIENTS. */
  allowedClients?: readonly string[] | undefined;
  /** Asymmetric algorithms allowed; anything else (including `none` and HS*) is rejected. */
  algorithms: string[];
  clockSkewSeconds: number;
  /** Time limit for one JWKS fetch. */
  timeoutMs: number;
  /** Minimum time between JWKS refetches triggered by an unknown `kid`: bounds what a forger can make us fetch. */
  cooldownMs: number;
}

/** Failures that say nothing about the token, only that we could not fetch the keys. */
function isKeySourceFailure(error: unknown): boolean {
  if (!(error instanceof joseErrors.JOSEError)) return true; // fetch() network errors are plain TypeErrors
  if (error instanceof joseErrors.JWKSTimeout || error instanceof joseErrors.JWKSInvalid) return true;
  // jose reports a non-200 JWKS answer as a bare JOSEError.
  return error.code === 'ERR_JOSE_GENERIC';
}

export function describe(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'The access token has expired.';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'iss': return 'The access token was issued by another authorization server.';
      case 'aud': return 'The access token was not issued for this resource.';
      case 'nbf': return 'The access token is not valid yet.';
      case 'iat': return 'The access token was issued in the future.';
      default: return `The access token's "${error.claim}" claim is missing or invalid.`;
    }
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'The access token is signed with an algorithm this server does not accept.';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return "The access token's signing key is not known to the authorization server.";
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return "The access token's signature is invalid.";
  return 'The access token is malformed or invalid.';
}

/** The operator's name for why jose refused the token (AUTH_FAILURE_REASONS). */
export function reasonOf(error: unknown): AuthFailureReason {
  if (error instanceof joseErrors.JWTExpired) return 'expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'iss': return 'wrong_issuer';
      case 'aud': return 'wrong_audience';
      case 'nbf': case 'iat': return 'not_yet_valid';
      default: return 'invalid_claims';
    }
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'disallowed_algorithm';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'unknown_key';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'bad_signature';
  return 'malformed';
}

/** One jose remote key set per JWKS URL, made when the URL is first known (it may come from discovery). */
function keyResolver(options: JwtVerifierOptions): JWTVerifyGetKey {
  const sets = new Map<string, JWTVerifyGetKey>();
  const setFor = (uri: string) => {
    let set = sets.get(uri);
    if (!set) {
      set = createRemoteJWKSet(new URL(uri), {
        timeoutDuration: options.timeoutMs,
        cooldownDuration: options.cooldownMs,
        cacheMaxAge: 10 * 60_000,
      });
      sets.set(uri, set);
    }
    return set;
  };
  const source = options.jwksUri;
  if (typeof source === 'string') return setFor(source);
  // jose checks the algorithm against the allow-list before it asks for a key, so `none`
  // and HS* tokens are refused (401) even while discovery has not succeeded yet (503).
  return async (header, token) => setFor(await source())(header, token);
}

export function createJwtVerifier(options: JwtVerifierOptions): TokenVerifier {
  const jwks = keyResolver(options);
  const policy = { profile: options.profile ?? 'standard', audiences: options.audiences, allowedClients: options.allowedClients };
  const shape = { profile: policy.profile, acceptPlainJwt: options.acceptPlainJwt ?? false };

  return {
    async verifyAccessToken(token: string): Promise<AuthInfo> {
      let payload: JWTPayload;
      let header: JWTHeaderParameters;
      try {
        ({ payload, protectedHeader: header } = await jwtVerify(token, jwks, {
          // Config strips a trailing slash from OAUTH_ISSUER; accept `iss` with or without it, as introspection and metadata do.
          issuer: [options.issuer, `${options.issuer}/`],
          // `aud` is judged by the profile's policy below, not by jose: NeonPanel's tokens may have none.
          algorithms: options.algorithms,
          clockTolerance: options.clockSkewSeconds,
          requiredClaims: ['exp', 'sub'],
        }));
        // jose checks `iat` only together with maxTokenAge, so a token from the future is refused here.
        if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000 + options.clockSkewSeconds) throw new joseErrors.JWTClaimValidationFailed('"iat" is in the future', payload, 'iat', 'check_failed');
      } catch (error) {
        if (isKeySourceFailure(error)) throw new VerifierUnavailableError();
        throw new InvalidTokenError(describe(error), reasonOf(error));
      }
      // An ID or refresh token signed by the same issuer passes every check above.
      const notAccess = jwtShapeProblem(header, payload, shape);
      if (notAccess) throw new InvalidTokenError(notAccess.message, notAccess.reason);
      const decision = checkAudience(payload, policy);
      if (!decision.ok) throw new InvalidTokenError(decision.reason, decision.kind);
      return {
        token,
        clientId: decision.clientId ?? '',
        scopes: scopesFromClaims(payload),
        expiresAt: payload.exp,
        // An accepted audience may be a client id rather than a URL (OAUTH_AUDIENCE=my-client): never `new URL` it blindly.
        ...(decision.resource && URL.canParse(decision.resource) ? { resource: new URL(decision.resource) } : {}),
        extra: { subject: payload.sub, issuer: payload.iss },
      };
    },
  };
}
