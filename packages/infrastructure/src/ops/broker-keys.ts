/**
 * `keys`: the broker's signing JWKS and vault key. The signing key is an ES256 key pair made
 * by jose; its private JWK carries `kid`, `alg` and `use: sig`, in `{"keys":[…]}` (the server
 * signs with the first key and verifies with all). The vault key is `<kid>:<base64url of 32
 * random bytes>` (AES-256-GCM; the first listed key writes, all read).
 *
 * Printed for the operator to store, or with `--write` put into the broker secret, only where
 * the secret has no such key yet: rotation adds keys in an order (RUNBOOK), which a blind
 * overwrite would get wrong.
 */
import { randomBytes } from 'node:crypto';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { base64url, calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { BROKER_SECRET_DESCRIPTION, mergeSecretFields, readSecretFields } from './broker-secret.js';
import { OpsError, type Output } from './types.js';

export const SIGNING_ALG = 'ES256';

/** A private signing JWK: `kid` is its RFC 7638 thumbprint, so two keys never share one. */
export async function generateSigningKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { ...jwk, kid, alg: SIGNING_ALG, use: 'sig' };
}

/** `<kid>:<base64url of 32 random bytes>`; the kid names the day it was made, plus a random part. */
export function generateVaultKey(now: Date = new Date()): string {
  const kid = `${now.toISOString().slice(0, 10).replace(/-/g, '')}-${base64url.encode(randomBytes(3))}`;
  return `${kid}:${base64url.encode(randomBytes(32))}`;
}

export interface KeysOptions {
  output: Output;
  /** With `write`: the secret to put them in. */
  secrets?: SecretsManagerClient;
  secretName: string;
  write: boolean;
}

export async function keysCommand(options: KeysOptions): Promise<number> {
  const jwks = { keys: [await generateSigningKey()] };
  const fields = { BROKER_SIGNING_KEYS: JSON.stringify(jwks), BROKER_VAULT_KEY: generateVaultKey() };
  if (!options.write) {
    options.output.info('Store these in the broker secret (RUNBOOK "Rotating the signing and vault keys" to add them beside existing ones):');
    options.output.info(JSON.stringify(fields, null, 2));
    return 0;
  }
  if (!options.secrets) throw new OpsError('keys --write needs Secrets Manager');
  const current = await readSecretFields(options.secrets, options.secretName);
  const present = Object.keys(fields).filter((k) => current?.[k]);
  if (present.length > 0) {
    throw new OpsError(`Secret ${options.secretName} already has ${present.join(' and ')}; not overwritten. To rotate, run \`keys\` without --write and follow RUNBOOK "Rotating the signing and vault keys".`);
  }
  const done = await mergeSecretFields(options.secrets, options.secretName, fields, BROKER_SECRET_DESCRIPTION);
  options.output.info(`keys: BROKER_SIGNING_KEYS (kid ${String(jwks.keys[0]!.kid)}) and BROKER_VAULT_KEY (kid ${fields.BROKER_VAULT_KEY.split(':')[0]!}) written to ${options.secretName} (${done}).`);
  return 0;
}
