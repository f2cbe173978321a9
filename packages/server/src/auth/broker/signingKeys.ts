/**
 * The broker's signing keys: BROKER_SIGNING_KEYS (the first signs, all verify), or, outside
 * production, one ES256 key made at start (tokens then die with the process, and a second
 * task would not accept them: config.ts requires the setting in production).
 */
import { createPrivateKey, createPublicKey, hkdfSync } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JSONWebKeySet, type JWK } from 'jose';
import type { VaultKey } from '../../config.js';

export async function generateSigningJwk(alg: 'ES256' | 'RS256' = 'ES256'): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg, use: 'sig' };
}

export async function signingKeysFrom(configured: readonly Record<string, unknown>[] | undefined): Promise<JWK[]> {
  if (configured) return configured.map((k) => ({ use: 'sig', ...k }) as JWK);
  return [await generateSigningJwk()];
}

/** The public halves, as the verifier (and `/oauth/jwks`) use them. */
export function publicJwks(keys: readonly JWK[]): JSONWebKeySet {
  return {
    keys: keys.map((k) => {
      const pub = createPublicKey(createPrivateKey({ key: k as import('node:crypto').JsonWebKey, format: 'jwk' })).export({ format: 'jwk' });
      return { ...pub, kid: k.kid!, alg: k.alg!, use: 'sig' } as JWK;
    }),
  };
}

/**
 * Secrets the broker needs besides its keys (cookie signing, CSRF), derived from the vault
 * keys so that every task agrees without another setting. HKDF with a distinct label per
 * purpose: knowing one derived secret reveals neither the vault key nor the others.
 */
export function derivedSecret(key: VaultKey, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', key.key, Buffer.alloc(0), `neonpanel-mcp broker ${purpose}`, 32));
}
