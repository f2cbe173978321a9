/**
 * A bounded LRU of verified tokens, so a token's signature (or introspection round trip)
 * is paid for once, not on every request.
 *
 * - The key is a SHA-256 of the token, and the entry holds no token: a heap dump of the
 *   cache cannot be replayed.
 * - An entry lives until the token expires, capped by `maxTtlSeconds` so revocation seen by
 *   introspection is picked up within that cap.
 * - Failures are never cached: an outage must not turn into a run of 401s afterwards.
 */
import { hash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { AuthInfo, TokenVerifier } from './types.js';

export interface CachedVerifierOptions {
  max: number;
  maxTtlSeconds: number;
  now?: () => number;
}

export interface CachedVerifier extends TokenVerifier {
  readonly size: number;
  /** Drops expired entries; `startPurging` calls it periodically. */
  purgeStale(): void;
  startPurging(intervalMs?: number): () => void;
}

type CachedAuth = Omit<AuthInfo, 'token'>;

export function tokenCacheKey(token: string): string {
  return hash('sha256', token, 'base64url');
}

export function createCachedVerifier(inner: TokenVerifier, options: CachedVerifierOptions): CachedVerifier {
  const now = options.now ?? Date.now;
  if (options.max === 0) {
    return Object.assign(inner, { size: 0, purgeStale() {}, startPurging: () => () => {} }) as CachedVerifier;
  }
  const cache = new LRUCache<string, CachedAuth>({
    max: options.max,
    perf: { now },
  });

  return {
    get size() {
      return cache.size;
    },
    async verifyAccessToken(token: string): Promise<AuthInfo> {
      const key = tokenCacheKey(token);
      const hit = cache.get(key);
      if (hit !== undefined) {
        // `exp` is the authority: an entry is never served past it, whatever the LRU thinks.
        if (hit.expiresAt === undefined || hit.expiresAt * 1000 > now()) return { ...hit, token };
        cache.delete(key);
      }
      const info = await inner.verifyAccessToken(token);
      const lifetimeMs = info.expiresAt !== undefined ? info.expiresAt * 1000 - now() : Infinity;
      const ttl = Math.min(lifetimeMs, options.maxTtlSeconds * 1000);
      if (ttl > 0) {
        const { token: _omit, ...rest } = info;
        cache.set(key, rest, { ttl });
      }
      return info;
    },
    purgeStale() {
      cache.purgeStale();
    },
    startPurging(intervalMs = 60_000) {
      const timer = setInterval(() => cache.purgeStale(), intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}
