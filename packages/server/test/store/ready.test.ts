/**
 * `store.ready()`: start-up waits on it before listening, so a fresh task's first request does
 * not meet a connection still being made (a 503 then), and a Redis that is down at start-up
 * delays start by the connect timeout at most, never stops it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRedisStore } from '../../src/store/redis.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { startTestIssuer, type TestIssuer } from '../helpers/keys.js';
import { claimsFor, startTestServer } from '../helpers/server.js';
import { startRedis, testRedisMode, type TestRedis } from '../helpers/redis.js';
import { openSession } from '../mcp/rpc.js';

let redis: TestRedis;
let issuer: TestIssuer;
beforeAll(async () => {
  redis = await startRedis();
  issuer = await startTestIssuer();
});
afterAll(async () => {
  await redis.stop();
  await issuer.close();
});

describe('store.ready()', () => {
  it('resolves once connected: the first command after it succeeds', async () => {
    const store = createRedisStore({ url: redis.url, mode: redis.mode, commandTimeoutMs: 1_000 });
    try {
      expect(await store.health()).toBe('unreachable');
      await store.ready();
      expect(await store.health()).toBe('ok');
    } finally {
      await store.close();
    }
  });

  it('resolves, not rejects, after the connect timeout when Redis is unreachable', async () => {
    const store = createRedisStore({ url: 'redis://127.0.0.1:9', mode: testRedisMode(), commandTimeoutMs: 500 });
    try {
      const started = Date.now();
      await expect(store.ready()).resolves.toBeUndefined();
      const waited = Date.now() - started;
      expect(waited).toBeGreaterThanOrEqual(1_900);
      expect(waited).toBeLessThan(10_000);
      expect(await store.health()).toBe('unreachable');
    } finally {
      await store.close();
    }
  });

  it('start-up does not listen before the store is ready', async () => {
    let release: () => void = () => {};
    let asked = false;
    const held = {
      ...createMemoryStore(),
      ready: () => {
        asked = true;
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      },
    };
    let started = false;
    const starting = startTestServer(issuer, {}, { store: held }).then((server) => {
      started = true;
      return server;
    });
    try {
      await new Promise((r) => setTimeout(r, 300));
      expect(asked).toBe(true);
      expect(started).toBe(false);
    } finally {
      release();
      const server = await starting;
      try {
        expect((await fetch(`${server.base}/health`)).status).toBe(200);
      } finally {
        await server.shutdown();
      }
    }
  });

  it("a server's very first request after start is served from Redis, not refused", async () => {
    for (let i = 0; i < 3; i++) {
      const server = await startTestServer(issuer, { REDIS_URL: redis.url }, {});
      try {
        const token = await issuer.sign(claimsFor(server.base, { sub: 'alice' }));
        await expect(openSession(server.base, token)).resolves.toMatch(/.+/);
      } finally {
        await server.shutdown();
      }
    }
  });
});
