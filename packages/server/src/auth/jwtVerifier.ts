/**
 * Verifies JWT access tokens (RFC 9068 style) against the issuer's remote JWKS with jose.
 */
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { AuthInfo, TokenVerifier } from './types.js';
import { InvalidTokenError, VerifierUnavailableError } from './errors.js';
import { scopesFromClaims } from './claims.js';

export interface JwtVerifierOptions {
  issuer: string;
  jwksUri: string;
  /** Accepted `aud` values; the token must name at least one. */
  audiences: string[];
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

function describe(error: unknown): string {
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

export function createJwtVerifier(options: JwtVerifierOptions): TokenVerifier {
  const jwks = createRemoteJWKSet(new URL(options.jwksUri), {
    timeoutDuration: options.timeoutMs,
    cooldownDuration: options.cooldownMs,
    cacheMaxAge: 10 * 60_000,
  });
  const audiences = options.audiences;

  return {
    async verifyAccessToken(token: string): Promise<AuthInfo> {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, jwks, {
          // Config strips a trailing slash from OAUTH_ISSUER; accept `iss` with or without it, as introspection and metadata do.
          issuer: [options.issuer, `${options.issuer}/`],
          audience: audiences,
          algorithms: options.algorithms,
          clockTolerance: options.clockSkewSeconds,
          requiredClaims: ['exp', 'sub'],
        }));
        // jose checks `iat` only together with maxTokenAge, so a token from the future is refused here.
        if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000 + options.clockSkewSeconds) throw new joseErrors.JWTClaimValidationFailed('"iat" is in the future', payload, 'iat', 'check_failed');
      } catch (error) {
        if (isKeySourceFailure(error)) throw new VerifierUnavailableError();
        throw new InvalidTokenError(describe(error));
      }
      const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
      const resource = aud.find((a): a is string => typeof a === 'string' && audiences.includes(a));
      const clientId = [payload['client_id'], payload['azp'], payload['cid']].find((v) => typeof v === 'string') as string | undefined;
      return {
        token,
        clientId: clientId ?? '',
        scopes: scopesFromClaims(payload),
        expiresAt: payload.exp,
        ...(resource ? { resource: new URL(resource) } : {}),
        extra: { subject: payload.sub, issuer: payload.iss },
      };
    },
  };
}
