/**
 * The token vault: AES-256-GCM under key ids (the newest key writes, every listed key reads),
 * bound to its grant, and never plaintext in the store.
 */
import { randomBytes } from 'node:crypto';
import { parseVaultKeys } from '../../../src/config.js';
import { createVaultCipher, VaultKeyUnknownError } from '../../../src/auth/broker/vaultCipher.js';
import { createTokenVault } from '../../../src/auth/broker/tokenVault.js';
import { createMemoryBrokerStore } from '../../../src/store/brokerMemory.js';
import { brokerKeys } from '../../../src/auth/broker/keys.js';

const key = (kid: string) => `${kid}:${randomBytes(32).toString('base64url')}`;
const entry = { tokens: { accessToken: 'np-access-secret', refreshToken: 'np-refresh-secret', expiresAt: 1 }, subject: 'user-1', clientId: 'client-1' };

describe('vault cipher', () => {
  it('opens what it sealed, and names the key that sealed it', () => {
    const cipher = createVaultCipher(parseVaultKeys(key('k1')));
    const sealed = cipher.seal('secret', 'grant-1');
    expect(sealed.startsWith('k1.')).toBe(true);
    expect(sealed).not.toContain('secret');
    expect(cipher.open(sealed, 'grant-1')).toBe('secret');
  });

  it('rotates: the first key writes, every listed key reads; a dropped key cannot read', () => {
    const old = key('old');
    const fresh = key('new');
    const sealedWithOld = createVaultCipher(parseVaultKeys(old)).seal('secret', 'g');
    const rotated = createVaultCipher(parseVaultKeys(`${fresh},${old}`));
    expect(rotated.open(sealedWithOld, 'g')).toBe('secret');
    expect(rotated.seal('secret', 'g').startsWith('new.')).toBe(true);
    expect(() => createVaultCipher(parseVaultKeys(fresh)).open(sealedWithOld, 'g')).toThrow(VaultKeyUnknownError);
  });

  it('refuses a ciphertext moved to another grant, or altered', () => {
    const cipher = createVaultCipher(parseVaultKeys(key('k1')));
    const sealed = cipher.seal('secret', 'grant-1');
    expect(() => cipher.open(sealed, 'grant-2')).toThrow();
    const [kid, iv, body] = sealed.split('.');
    const flipped = Buffer.from(body!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => cipher.open(`${kid}.${iv}.${flipped.toString('base64url')}`, 'grant-1')).toThrow();
  });

  it('refuses malformed BROKER_VAULT_KEY values, naming the variable', () => {
    expect(() => parseVaultKeys('k1:short')).toThrow(/BROKER_VAULT_KEY/);
    const k = key('k1');
    expect(() => parseVaultKeys(`${k},${k}`)).toThrow(/repeat/);
  });
});

describe('token vault', () => {
  it('stores only ciphertext, and a dropped grant is gone', async () => {
    const store = createMemoryBrokerStore();
    const vault = createTokenVault({ store, cipher: createVaultCipher(parseVaultKeys(key('k1'))) });
    await vault.save('grant-1', entry, 60_000);
    const raw = JSON.stringify(await store.read(brokerKeys.vault('grant-1')));
    expect(raw).not.toContain('np-access-secret');
    expect(raw).not.toContain('np-refresh-secret');
    expect(await vault.load('grant-1')).toEqual(entry);
    await vault.drop('grant-1');
    expect(await vault.load('grant-1')).toBeUndefined();
  });

  it('serves the decrypted cache for at most its lifetime, and not at all when it is 0', async () => {
    const store = createMemoryBrokerStore();
    const cipher = createVaultCipher(parseVaultKeys(key('k1')));
    const cached = createTokenVault({ store, cipher });
    const uncached = createTokenVault({ store, cipher, cacheTtlMs: 0 });
    await cached.save('grant-1', entry, 60_000);
    await uncached.load('grant-1');
    // Another task revokes the grant in the store.
    await store.remove(brokerKeys.vault('grant-1'));
    expect(await cached.load('grant-1')).toEqual(entry); // within 60 s, this task may still serve it
    expect(await uncached.load('grant-1')).toBeUndefined();
    expect(await cached.loadFresh('grant-1')).toBeUndefined();
  });
});
