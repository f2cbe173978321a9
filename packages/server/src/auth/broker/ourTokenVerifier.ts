/**
 * The verifier of OUR access tokens (broker mode), on every MCP request: the signature
 * under one of our keys, `iss` = this origin, `aud` = this resource, `typ` = `at+jwt`
 * (RFC 9068, so neither an ID token nor anyone else's JWT passes), and a grant that is still
 * live (its vault record exists). Any other token, NeonPanel's included, is refused.
 */
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import type { AuthInfo, TokenVerifier } from '../types.js';
import { InvalidTokenError } from '../errors.js';
import { describe, reasonOf } from '../jwtVerifier.js';
import type { TokenVault } from './tokenVault.js';
import { createCachedVerifier, type CachedVerifierOptions } from '../cachedVerifier.js';

export interface BrokerVerifierOptions {
  issuer: string;
  audiences: readonly string[];
  publicJwks: JSONWebKeySet;
  algorithms: readonly string[];
  clockSkewSeconds: number;
  vault: Pick<TokenVault, 'load'>;
  /** The verified-signature cache (TOKEN_CACHE_*): the grant check runs on every request regardless. */
  cache: CachedVerifierOptions;
}

export function createBrokerVerifier(options: BrokerVerifierOptions): TokenVerifier {
  const keys = createLocalJWKSet(options.publicJwks);
  // The signature and claims, paid for once per token (the cache holds no token, see
  // cachedVerifier.ts); whether the grant is still live is asked on every request.
  const signed = createCachedVerifier({
    async verifyAccessToken(token: string): Promise<AuthInfo> {
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtVerify(token, keys, {
          issuer: options.issuer,
          audience: [...options.audiences],
          typ: 'at+jwt',
          algorithms: [...options.algorithms],
          clockTolerance: options.clockSkewSeconds,
          requiredClaims: ['exp', 'sub', 'client_id', 'jti'],
        }));
      } catch (error) {
        throw new InvalidTokenError(describe(error), reasonOf(error));
      }
      const grantId = payload['grant_id'];
      if (typeof grantId !== 'string' || grantId === '') throw new InvalidTokenError('The access token names no grant.', 'invalid_claims');
      return {
        token,
        clientId: String(payload['client_id']),
        scopes: typeof payload['scope'] === 'string' ? payload['scope'].split(' ').filter(Boolean) : [],
        expiresAt: payload['exp'] as number,
        extra: { subject: String(payload['sub']), grantId },
      };
    },
  }, options.cache);
  return {
    async verifyAccessToken(token: string): Promise<AuthInfo> {
      const info = await signed.verifyAccessToken(token);
      if (!(await options.vault.load(info.extra!['grantId'] as string))) {
        throw new InvalidTokenError('The sign-in behind this access token was revoked. Sign in again.', 'inactive');
      }
      return info;
    },
  };
}
