/**
 * NeonPanel's tokens per grant, sealed with AES-256-GCM (vaultCipher.ts) in the shared store,
 * with a small decrypted cache in this process: at most 60 s per entry and a bounded number
 * of entries, because every MCP request reads its grant's record.
 *
 * A grant is live while its record exists; revoking a grant removes the record.
 */
import { LRUCache } from 'lru-cache';
import type { BrokerStore } from '../../store/brokerStore.js';
import { brokerKeys } from './keys.js';
import type { VaultCipher } from './vaultCipher.js';

export interface UpstreamTokens {
  accessToken: string;
  refreshToken: string | undefined;
  /** When NeonPanel's access token expires, epoch ms. */
  expiresAt: number;
}

export interface VaultEntry {
  tokens: UpstreamTokens;
  /** NeonPanel's `sub` of the person who signed in. */
  subject: string;
  clientId: string;
}

export interface TokenVaultOptions {
  store: BrokerStore;
  cipher: VaultCipher;
  /** Longest a decrypted entry stays in this process. Default (and cap) 60 000 ms; 0 turns the cache off. */
  cacheTtlMs?: number;
  /** Most decrypted entries kept. Default 10 000. */
  cacheMax?: number;
}

export const MAX_DECRYPTED_CACHE_MS = 60_000;

export interface TokenVault {
  save(grantId: string, entry: VaultEntry, ttlMs: number): Promise<void>;
  /** The grant's entry, from the cache when fresh; undefined when the grant is gone. */
  load(grantId: string): Promise<VaultEntry | undefined>;
  /** Always from the store (after a lock, to see another task's refresh). */
  loadFresh(grantId: string): Promise<VaultEntry | undefined>;
  drop(grantId: string): Promise<void>;
}

export function createTokenVault(options: TokenVaultOptions): TokenVault {
  const { store, cipher } = options;
  const ttl = Math.min(options.cacheTtlMs ?? MAX_DECRYPTED_CACHE_MS, MAX_DECRYPTED_CACHE_MS);
  // lru-cache reads ttl 0 as "forever": no caching at all is max 1 with every entry dropped.
  const cache = ttl > 0
    ? new LRUCache<string, VaultEntry>({ max: options.cacheMax ?? 10_000, ttl })
    : { get: () => undefined, set: () => undefined, delete: () => false };

  async function loadFresh(grantId: string): Promise<VaultEntry | undefined> {
    const record = await store.read(brokerKeys.vault(grantId));
    if (!record?.['sealed']) {
      cache.delete(grantId);
      return undefined;
    }
    const tokens = JSON.parse(cipher.open(record['sealed'], grantId)) as UpstreamTokens;
    const entry: VaultEntry = { tokens, subject: record['subject'] ?? '', clientId: record['clientId'] ?? '' };
    cache.set(grantId, entry);
    return entry;
  }

  return {
    async save(grantId, entry, ttlMs) {
      const sealed = cipher.seal(JSON.stringify(entry.tokens), grantId);
      await store.write(brokerKeys.vault(grantId), { sealed, subject: entry.subject, clientId: entry.clientId }, ttlMs);
      cache.set(grantId, entry);
    },
    async load(grantId) {
      return cache.get(grantId) ?? loadFresh(grantId);
    },
    loadFresh,
    async drop(grantId) {
      cache.delete(grantId);
      await store.remove(brokerKeys.vault(grantId));
    },
  };
}
