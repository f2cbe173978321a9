/**
 * Signing keys of the development authorization server: generated in memory at start, so
 * no private key is ever written to disk or committed. Tokens die with the process, which
 * is what a development server wants.
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';

/** The JWS algorithms the server signs with; both are in the resource server's allowlist. */
export type SigningAlgorithm = 'RS256' | 'ES256';

/** A private signing key in JWK form, as oidc-provider's `jwks` option takes it. */
export type SigningJwk = JWK & { kid: string; alg: SigningAlgorithm; use: 'sig' };

export async function generateSigningKey(alg: SigningAlgorithm = 'RS256'): Promise<SigningJwk> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { ...jwk, kid, alg, use: 'sig' };
}

/** The algorithm a supplied key signs with: its `alg`, or what its key type implies. */
export function algorithmOf(jwk: JWK): SigningAlgorithm {
  if (jwk.alg === 'RS256') return 'RS256';
  if (jwk.alg === 'ES256') return 'ES256';
  if (jwk.alg === undefined && jwk.kty === 'RSA') return 'RS256';
  if (jwk.alg === undefined && jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  throw new Error(`Signing keys must be RS256 or ES256 (got kty=${String(jwk.kty)}, alg=${String(jwk.alg)}).`);
}

/** Completes supplied keys (kid, alg, use) and checks they are private asymmetric keys. */
export async function normalizeSigningKeys(keys: readonly JWK[]): Promise<SigningJwk[]> {
  if (keys.length === 0) throw new Error('At least one signing key is required.');
  return Promise.all(keys.map(async (jwk) => {
    if (jwk.d === undefined) throw new Error('Signing keys must be private keys (the JWK has no "d").');
    const alg = algorithmOf(jwk);
    const kid = jwk.kid ?? await calculateJwkThumbprint(jwk);
    return { ...jwk, kid, alg, use: 'sig' as const };
  }));
}
