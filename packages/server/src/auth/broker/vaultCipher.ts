/**
 * AES-256-GCM for the token vault, with key ids: every sealed value names the key that
 * sealed it, so a second key can be added for rotation. The first configured key seals;
 * every configured key opens. The grant id is the additional authenticated data, so a
 * ciphertext copied onto another grant's record does not open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { VaultKey } from '../../config.js';

const IV_BYTES = 12;
const TAG_BYTES = 16;

export class VaultKeyUnknownError extends Error {
  constructor(readonly kid: string) {
    super(`The vault record was sealed with key "${kid}", which is not configured in BROKER_VAULT_KEY.`);
    this.name = 'VaultKeyUnknownError';
  }
}

export interface VaultCipher {
  /** `kid.iv.ciphertext+tag`, base64url parts. */
  seal(plaintext: string, aad: string): string;
  open(sealed: string, aad: string): string;
}

export function createVaultCipher(keys: readonly VaultKey[]): VaultCipher {
  if (keys.length === 0) throw new Error('createVaultCipher: at least one key is required');
  const writer = keys[0]!;
  const byKid = new Map(keys.map((k) => [k.kid, k.key]));
  return {
    seal(plaintext, aad) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', writer.key, iv);
      cipher.setAAD(Buffer.from(aad));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return `${writer.kid}.${iv.toString('base64url')}.${body.toString('base64url')}`;
    },
    open(sealed, aad) {
      const [kid, ivPart, bodyPart] = sealed.split('.');
      const key = kid === undefined ? undefined : byKid.get(kid);
      if (!key) throw new VaultKeyUnknownError(kid ?? '');
      const body = Buffer.from(bodyPart ?? '', 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(ivPart ?? '', 'base64url'));
      decipher.setAAD(Buffer.from(aad));
      decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
      return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    },
  };
}

/** A random key for one process (development and tests without BROKER_VAULT_KEY). */
export function ephemeralVaultKey(): VaultKey {
  return { kid: 'ephemeral', key: randomBytes(32) };
}
