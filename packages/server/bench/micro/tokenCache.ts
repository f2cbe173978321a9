/**
 * The token-cache hit path, measured in this process on the production build: the cost of
 * `verifyAccessToken` for a token already verified (hash of the token + LRU lookup), and
 * whether the cache stays bounded and drops expired entries.
 */
import { importDist } from '../paths.js';

type CachedModule = typeof import('../../src/auth/cachedVerifier.js');

export interface TokenCacheFigure {
  /** Mean cost of one cached verification, in µs. */
  hitUs: number;
  /** Mean cost of a miss that the inner verifier answers at once (hashing, insert, eviction), in µs. */
  missUs: number;
  max: number;
  /** Entries after inserting 3 × max distinct tokens. */
  sizeAfterFlood: number;
  /** Entries left after the clock passes every token's expiry and a purge. */
  sizeAfterExpiry: number;
}

export async function measureTokenCache(iterations = 200_000): Promise<TokenCacheFigure> {
  const { createCachedVerifier } = await importDist<CachedModule>('auth/cachedVerifier.js');
  let clock = Date.now();
  const exp = Math.floor(clock / 1000) + 600;
  const inner = {
    verifyAccessToken: async (token: string) => ({ token, clientId: 'bench', scopes: ['read:companies'], expiresAt: exp, extra: { subject: 'bench' } }),
  };
  const max = 10_000;
  const cache = createCachedVerifier(inner, { max, maxTtlSeconds: 3600, now: () => clock });
  // A realistic RS256 JWT is 700-900 characters.
  const token = `eyJhbGciOiJSUzI1NiJ9.${'x'.repeat(760)}.signature`;
  await cache.verifyAccessToken(token);
  for (let i = 0; i < 20_000; i++) await cache.verifyAccessToken(token); // warm-up
  let t0 = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await cache.verifyAccessToken(token);
  const hitUs = Number(process.hrtime.bigint() - t0) / 1000 / iterations;

  const misses = 3 * max;
  t0 = process.hrtime.bigint();
  for (let i = 0; i < misses; i++) await cache.verifyAccessToken(`${token}${i}`);
  const missUs = Number(process.hrtime.bigint() - t0) / 1000 / misses;
  const sizeAfterFlood = cache.size;

  clock += 601_000;
  await new Promise((resolve) => setTimeout(resolve, 5)); // lru-cache re-reads the clock after 1 ms
  cache.purgeStale();
  return { hitUs, missUs, max, sizeAfterFlood, sizeAfterExpiry: cache.size };
}
