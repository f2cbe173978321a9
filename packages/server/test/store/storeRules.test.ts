/**
 * The store's own rules, on a real redis-server (run twice: plain node, and one-node cluster,
 * where a command over two hash slots is refused with CROSSSLOT): the live session count,
 * the per-user index refresh, the atomic per-user cap, the lease semaphore, idempotency leases
 * (owned, expiring, claimed again once gone) and how a Redis failure is described.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { createRedisStore } from '../../src/store/redis.js';
import { storeKeys } from '../../src/store/keys.js';
import { describeRedisError } from '../../src/store/redisClient.js';
import { SessionLimitError } from '../../src/store/sessions.js';
import type { SharedStore } from '../../src/store/types.js';
import { once } from '../../src/tools/writes.js';
import type { ToolContext } from '../../src/tools/types.js';
import { ToolInputError } from '../../src/tools/errors.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
let a: SharedStore;
let b: SharedStore;
const errors: Error[] = [];
const prefix = 'rules:';
const keys = storeKeys(prefix);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  redis = await startRedis();
  // Two stores on one Redis: two tasks, each its own owner identity.
  a = createRedisStore({ url: redis.url, mode: redis.mode, commandTimeoutMs: 1_000, prefix, onError: (e) => errors.push(e) });
  b = createRedisStore({ url: redis.url, mode: redis.mode, commandTimeoutMs: 1_000, prefix, onError: (e) => errors.push(e) });
  await Promise.all([a.ready(), b.ready()]);
});
afterAll(async () => {
  await a.close();
  await b.close();
  await redis.stop();
});

const owner = (subject: string) => ({ subject, clientId: 'client-1' });

describe('sessions', () => {
  it('counts live sessions: the 31st session opened in turn under MCP_MAX_SESSIONS=30 is admitted', async () => {
    const sessions = a.sessions({ maxSessions: 30, maxSessionsPerSubject: 100, idleTimeoutMs: 60_000 });
    for (let i = 0; i < 31; i++) {
      const s = await sessions.create(owner('turns'), 'streamable');
      await sessions.delete(s.id);
    }
    expect(sessions.size).toBe(0);
  });

  it('gives the place back when a session of this task is deleted on another task', async () => {
    const onA = a.sessions({ maxSessions: 1, maxSessionsPerSubject: 100, idleTimeoutMs: 60_000 });
    const onB = b.sessions({ maxSessions: 1, maxSessionsPerSubject: 100, idleTimeoutMs: 60_000 });
    const s = await onA.create(owner('elsewhere'), 'streamable');
    await expect(onA.create(owner('elsewhere'), 'streamable')).rejects.toBeInstanceOf(SessionLimitError);
    await onB.delete(s.id);
    expect(await onA.evictIdle()).toEqual([s.id]);
    expect(onA.size).toBe(0);
    await onA.create(owner('elsewhere'), 'streamable');
  });

  it('checks and adds the per-user cap atomically: of 20 concurrent creates under a cap of 3, exactly 3 succeed', async () => {
    const sessions = a.sessions({ maxSessions: 1_000, maxSessionsPerSubject: 3, idleTimeoutMs: 60_000 });
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => sessions.create(owner('racer'), 'streamable')));
    expect(results.filter((r) => r.status === 'fulfilled').length).toBe(3);
    expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof SessionLimitError).length).toBe(17);
  });

  it('touch() keeps an active session in its user\'s index (ZADD XX), and never re-adds a deleted one', async () => {
    const sessions = a.sessions({ maxSessions: 100, maxSessionsPerSubject: 100, idleTimeoutMs: 1_000 });
    const s = await sessions.create(owner('toucher'), 'streamable');
    const index = keys.subjectSessions('toucher');
    const before = Number(await a.redis!.zscore(index, s.id));
    await sleep(150); // past a tenth of the idle timeout: the touch is not skipped
    const read = await sessions.getOwned(s.id, owner('toucher'));
    sessions.touch(read!);
    await sleep(50);
    expect(Number(await a.redis!.zscore(index, s.id))).toBeGreaterThan(before);
    await sessions.delete(s.id);
    await sleep(150);
    sessions.touch(read!);
    await sleep(50);
    expect(await a.redis!.zscore(index, s.id)).toBeNull();
  });
});

describe('in-flight leases', () => {
  it('hold at most `max`, and a late or repeated release never frees more than its own lease', async () => {
    const first = await a.leases.acquire('lease-user', 2, 60_000);
    const second = await b.leases.acquire('lease-user', 2, 60_000);
    expect('release' in first && 'release' in second).toBe(true);
    const third = await a.leases.acquire('lease-user', 2, 60_000);
    expect('retryAfterMs' in third).toBe(true);
    if (!('release' in first)) throw new Error('no lease');
    first.release();
    first.release();
    await sleep(50);
    expect(await a.leases.held('lease-user')).toBe(1);
    const again = await b.leases.acquire('lease-user', 2, 60_000);
    expect('release' in again).toBe(true);
    expect('retryAfterMs' in (await a.leases.acquire('lease-user', 2, 60_000))).toBe(true);
  });

  it('give a dead holder\'s place back when its lease expires', async () => {
    const dying = await a.leases.acquire('lease-dead', 1, 100);
    expect('release' in dying).toBe(true);
    expect('retryAfterMs' in (await b.leases.acquire('lease-dead', 1, 100))).toBe(true);
    await sleep(150);
    expect('release' in (await b.leases.acquire('lease-dead', 1, 100))).toBe(true);
  });
});

/** Just what `once` reads from a tool call's context. */
function writeContext(store: SharedStore, leaseMs: number, signal = new AbortController().signal): ToolContext {
  return {
    subject: 'writer',
    signal,
    services: { idempotency: store.idempotency, idempotencyTtlMs: 86_400_000, writeLeaseMs: leaseMs, writesInFlight: new Map() },
  } as unknown as ToolContext;
}

describe('idempotency leases', () => {
  const created: string[] = [];
  const create = (name: string) => async () => {
    created.push(name);
    return { content: [{ type: 'text' as const, text: `created ${name}` }] };
  };

  it('a retry that meets an expired lease (its task died, or hung) is told the outcome is unknown and which tool to check with, and creates nothing', async () => {
    const ctxA = writeContext(a, 100);
    let release!: () => void;
    const hanging = new Promise<void>((resolve) => (release = resolve));
    // Task A's call hangs past its lease (as if it died); B's retry must not create again.
    const first = once(ctxA, 'key-dead-2', { n: 1 }, async () => {
      await hanging;
      return create('first')();
    }, 'List the bills');
    await sleep(150);
    const before = created.length;
    const retry = await once(writeContext(b, 60_000), 'key-dead-2', { n: 1 }, create('dup'), 'List the bills with neonpanel_bills_list');
    expect(created.length).toBe(before);
    expect(retry.content[0]).toMatchObject({ text: expect.stringMatching(/^Outcome unknown: .*neonpanel_bills_list.*use a new idempotency_key/) });
    release();
    await first;
  });

  it('a retry that finds the record gone (the first call freed it) claims it again and creates', async () => {
    const ctxA = writeContext(a, 60_000);
    let fail!: () => void;
    const refused = new Promise<void>((_, reject) => (fail = () => reject(new ToolInputError('refused before sending'))));
    const first = once(ctxA, 'key-gone-1', { n: 2 }, async () => {
      await refused;
      return create('never')();
    }, 'List the bills').catch((e: unknown) => e);
    await sleep(50);
    const retry = once(writeContext(b, 60_000), 'key-gone-1', { n: 2 }, create('second'), 'List the bills');
    await sleep(150); // B waits on A's live lease
    // A's call ends having certainly created nothing: it releases its lease.
    fail();
    await first;
    expect((await retry).content[0]).toMatchObject({ text: 'created second' });
  });

  it('release() frees only a lease this task owns', async () => {
    expect(await a.idempotency.claim('writer\0key-owned', { fingerprint: 'fp', leaseMs: 60_000, ttlMs: 60_000 })).toBeUndefined();
    await b.idempotency.release('writer\0key-owned');
    expect(await a.idempotency.get('writer\0key-owned')).toMatchObject({ state: 'pending', owner: a.idempotency.owner });
    await a.idempotency.release('writer\0key-owned');
    expect(await a.idempotency.get('writer\0key-owned')).toBeUndefined();
  });

  it('keeps a completed record for its time to live', async () => {
    await a.idempotency.claim('writer\0key-done', { fingerprint: 'fp', leaseMs: 60_000, ttlMs: 60_000 });
    await a.idempotency.complete('writer\0key-done', 'fp', { content: [] }, 86_400_000);
    const ttl = await a.redis!.pttl(keys.idempotency('writer\0key-done'));
    expect(ttl).toBeGreaterThan(86_000_000);
    expect(await b.idempotency.get('writer\0key-done')).toEqual({ state: 'done', fingerprint: 'fp', result: { content: [] } });
  });
});

describe('store errors', () => {
  it('are described by their Redis error class and command name, never keys or values', async () => {
    const secretKey = `${prefix}{secret-key}`;
    await a.redis!.set(secretKey, 'secret-value');
    const failure = await a.redis!.hget(secretKey, 'field').catch((e: unknown) => e);
    const described = describeRedisError(failure, 'test.op');
    expect(described.errorClass).toBe('WRONGTYPE');
    expect(described.command).toBe('HGET');
    expect(described.message).not.toMatch(/secret/);
  });

  it('on a cluster, a command over two hash slots is CROSSSLOT, and the store\'s own operations never are', async () => {
    if (redis.mode !== 'cluster') {
      // A plain node checks no slots: the same command passes there, which is why both runs exist.
      expect(await a.redis!.del(`${prefix}{one}`, `${prefix}{two}`)).toBeGreaterThanOrEqual(0);
      return;
    }
    // Sent as it is (a plain connection to the node: the cluster client would refuse it itself).
    const raw = new Redis(redis.url);
    try {
      const failure = await raw.del(`${prefix}{one}`, `${prefix}{two}`).catch((e: unknown) => e);
      expect(describeRedisError(failure, 'test.op')).toMatchObject({ errorClass: 'CROSSSLOT', command: 'DEL' });
    } finally {
      raw.disconnect();
    }
    expect(errors.filter((e) => /CROSSSLOT/.test(e.message))).toEqual([]);
  });
});
