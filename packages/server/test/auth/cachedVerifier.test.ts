import { createHash } from 'node:crypto';
import { jest } from '@jest/globals';
import { LRUCache } from 'lru-cache';
import { createCachedVerifier, tokenCacheKey } from '../../src/auth/cachedVerifier.js';
import { InvalidTokenError, VerifierUnavailableError } from '../../src/auth/errors.js';
import type { AuthInfo, TokenVerifier } from '../../src/auth/types.js';

const T0 = 1_900_000_000_000; // a fixed "now" in ms, far from the real clock

/** A verifier that counts its calls and answers from a script keyed by token. */
function countingVerifier(answer: (token: string) => AuthInfo | Error) {
  const calls: string[] = [];
  const verifier: TokenVerifier = {
    async verifyAccessToken(token) {
      calls.push(token);
      const result = answer(token);
      if (result instanceof Error) throw result;
      return result;
    },
  };
  return { verifier, calls };
}

function authFor(token: string, expiresAt: number | undefined): AuthInfo {
  return {
    token,
    clientId: 'client-1',
    scopes: ['read:inventory'],
    ...(expiresAt !== undefined ? { expiresAt } : {}),
    extra: { subject: `subject-of-${token.slice(0, 4)}` },
  };
}

/**
 * The injected clock. lru-cache also memoises "now" for `ttlResolution` (1 s) behind a
 * setTimeout, so advancing the clock also runs that timer (fake timers, below); otherwise
 * its own staleness check would keep reading the time from before the jump.
 */
function clock(start = T0) {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
      jest.advanceTimersByTime(1_000);
    },
  };
}

beforeEach(() => {
  jest.useFakeTimers({ doNotFake: ['Date', 'performance', 'hrtime', 'nextTick', 'queueMicrotask', 'setImmediate', 'clearImmediate'] });
});
afterEach(() => {
  jest.useRealTimers();
});

describe('createCachedVerifier', () => {
  test('a token is verified once; later calls are served from the cache with the same answer', async () => {
    const c = clock();
    const expiresAt = T0 / 1000 + 600;
    const { verifier, calls } = countingVerifier((t) => authFor(t, expiresAt));
    const cached = createCachedVerifier(verifier, { max: 100, maxTtlSeconds: 3600, now: c.now });
    const first = await cached.verifyAccessToken('token-A');
    const again = await Promise.all([1, 2, 3].map(() => cached.verifyAccessToken('token-A')));
    expect(calls).toEqual(['token-A']);
    for (const info of again) expect(info).toEqual(first);
    expect(first.token).toBe('token-A');
    await cached.verifyAccessToken('token-B');
    expect(calls).toEqual(['token-A', 'token-B']);
  });

  test('the cache key is the SHA-256 of the token, and neither keys nor values hold the token', async () => {
    const setSpy = jest.spyOn(LRUCache.prototype, 'set');
    try {
      const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzZWNyZXQtdXNlciJ9.c2lnbmF0dXJlLXNlY3JldA';
      const { verifier } = countingVerifier((t) => authFor(t, T0 / 1000 + 600));
      const cached = createCachedVerifier(verifier, { max: 10, maxTtlSeconds: 3600, now: clock().now });
      await cached.verifyAccessToken(token);
      expect(setSpy).toHaveBeenCalledTimes(1);
      const [key, value] = setSpy.mock.calls[0]!;
      expect(key).toBe(createHash('sha256').update(token).digest('base64url'));
      expect(key).toBe(tokenCacheKey(token));
      const stored = JSON.stringify({ key, value });
      expect(stored).not.toContain(token);
      for (const part of token.split('.')) expect(stored).not.toContain(part);
      expect(value).not.toHaveProperty('token');
    } finally {
      setSpy.mockRestore();
    }
  });

  test('an entry expires with its token (injected clock)', async () => {
    const c = clock();
    const { verifier, calls } = countingVerifier((t) => authFor(t, T0 / 1000 + 60));
    const cached = createCachedVerifier(verifier, { max: 10, maxTtlSeconds: 3600, now: c.now });
    await cached.verifyAccessToken('short-lived');
    c.advance(59_000);
    await cached.verifyAccessToken('short-lived');
    expect(calls).toHaveLength(1);
    c.advance(2_000); // past exp
    await cached.verifyAccessToken('short-lived');
    expect(calls).toHaveLength(2);
  });

  test('an entry lives no longer than maxTtlSeconds, even for a long-lived token', async () => {
    const c = clock();
    const { verifier, calls } = countingVerifier((t) => authFor(t, T0 / 1000 + 86_400));
    const cached = createCachedVerifier(verifier, { max: 10, maxTtlSeconds: 30, now: c.now });
    await cached.verifyAccessToken('long-lived');
    c.advance(29_000);
    await cached.verifyAccessToken('long-lived');
    expect(calls).toHaveLength(1);
    c.advance(2_000);
    await cached.verifyAccessToken('long-lived');
    expect(calls).toHaveLength(2);
  });

  test('a token already expired when verified is not cached', async () => {
    const c = clock();
    const { verifier, calls } = countingVerifier((t) => authFor(t, T0 / 1000 - 1));
    const cached = createCachedVerifier(verifier, { max: 10, maxTtlSeconds: 30, now: c.now });
    await cached.verifyAccessToken('stale');
    await cached.verifyAccessToken('stale');
    expect(calls).toHaveLength(2);
    expect(cached.size).toBe(0);
  });

  test('failures are not cached: neither a refusal nor an outage', async () => {
    let outcome: 'invalid' | 'down' | 'ok' = 'invalid';
    const { verifier, calls } = countingVerifier((t) =>
      outcome === 'invalid' ? new InvalidTokenError() : outcome === 'down' ? new VerifierUnavailableError() : authFor(t, T0 / 1000 + 600));
    const cached = createCachedVerifier(verifier, { max: 10, maxTtlSeconds: 3600, now: clock().now });
    await expect(cached.verifyAccessToken('t')).rejects.toBeInstanceOf(InvalidTokenError);
    await expect(cached.verifyAccessToken('t')).rejects.toBeInstanceOf(InvalidTokenError);
    outcome = 'down';
    await expect(cached.verifyAccessToken('t')).rejects.toBeInstanceOf(VerifierUnavailableError);
    expect(cached.size).toBe(0);
    outcome = 'ok';
    await expect(cached.verifyAccessToken('t')).resolves.toMatchObject({ token: 't' });
    expect(calls).toHaveLength(4);
    expect(cached.size).toBe(1);
  });

  test('the cache stays bounded at max under many distinct tokens, evicting the least recently used', async () => {
    const { verifier, calls } = countingVerifier((t) => authFor(t, T0 / 1000 + 600));
    const cached = createCachedVerifier(verifier, { max: 50, maxTtlSeconds: 3600, now: clock().now });
    await cached.verifyAccessToken('keep-me');
    for (let i = 0; i < 2_000; i++) {
      await cached.verifyAccessToken(`token-${i}`);
      if (i % 10 === 0) await cached.verifyAccessToken('keep-me'); // recently used, so never evicted
      expect(cached.size).toBeLessThanOrEqual(50);
    }
    expect(cached.size).toBe(50);
    const before = calls.length;
    await cached.verifyAccessToken('keep-me');
    await cached.verifyAccessToken('token-1999');
    expect(calls.length).toBe(before);
    await cached.verifyAccessToken('token-0'); // long evicted
    expect(calls.length).toBe(before + 1);
  });

  test('purgeStale drops expired entries', async () => {
    const c = clock();
    const { verifier } = countingVerifier((t) => authFor(t, T0 / 1000 + (t.startsWith('short') ? 10 : 600)));
    const cached = createCachedVerifier(verifier, { max: 100, maxTtlSeconds: 3600, now: c.now });
    for (let i = 0; i < 5; i++) await cached.verifyAccessToken(`short-${i}`);
    for (let i = 0; i < 3; i++) await cached.verifyAccessToken(`long-${i}`);
    expect(cached.size).toBe(8);
    c.advance(60_000);
    cached.purgeStale();
    expect(cached.size).toBe(3);
  });

  test('startPurging purges on its interval until stopped', async () => {
    const c = clock();
    const { verifier } = countingVerifier((t) => authFor(t, c.now() / 1000 + 10));
    const cached = createCachedVerifier(verifier, { max: 100, maxTtlSeconds: 3600, now: c.now });
    const stop = cached.startPurging(5_000);
    await cached.verifyAccessToken('a');
    await cached.verifyAccessToken('b');
    c.advance(20_000);
    expect(cached.size).toBe(2);
    jest.advanceTimersByTime(5_000);
    expect(cached.size).toBe(0);
    stop();
    await cached.verifyAccessToken('c');
    c.advance(20_000);
    jest.advanceTimersByTime(60_000);
    expect(cached.size).toBe(1);
  });

  test('max 0 disables caching: every call reaches the inner verifier', async () => {
    const { verifier, calls } = countingVerifier((t) => authFor(t, T0 / 1000 + 600));
    const cached = createCachedVerifier(verifier, { max: 0, maxTtlSeconds: 3600, now: clock().now });
    await cached.verifyAccessToken('t');
    await cached.verifyAccessToken('t');
    expect(calls).toHaveLength(2);
    expect(cached.size).toBe(0);
  });
});
