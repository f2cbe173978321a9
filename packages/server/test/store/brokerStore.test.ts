/**
 * The broker store's contract, on memory, a plain redis-server and a one-node Redis Cluster
 * (where any command spanning two hash slots fails with CROSSSLOT).
 */
import { Redis } from 'ioredis';
import type { BrokerStore } from '../../src/store/brokerStore.js';
import { createMemoryBrokerStore } from '../../src/store/brokerMemory.js';
import { createRedisBrokerStore } from '../../src/store/brokerRedis.js';
import { brokerKeys } from '../../src/auth/broker/keys.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { startRedisCluster, type TestRedisCluster } from '../helpers/redisCluster.js';

let redis: TestRedis;
let redisClient: Redis;
let cluster: TestRedisCluster;

beforeAll(async () => {
  [redis, cluster] = await Promise.all([startRedis(), startRedisCluster()]);
  redisClient = new Redis(redis.url);
});
afterAll(async () => {
  redisClient.disconnect();
  await Promise.all([redis.stop(), cluster.stop()]);
});

const stores: Array<[string, () => BrokerStore]> = [
  ['memory', () => createMemoryBrokerStore()],
  ['redis', () => createRedisBrokerStore(redisClient, `t${Math.random()}:`)],
  ['cluster', () => createRedisBrokerStore(cluster.client, `t${Math.random()}:`)],
];

describe.each(stores)('broker store on %s', (_name, make) => {
  it('writes, reads and replaces records, and sets a field only on a record that exists', async () => {
    const store = make();
    const key = brokerKeys.vault('grant-1');
    await store.write(key, { sealed: 'a', subject: 's' }, 60_000);
    expect(await store.read(key)).toEqual({ sealed: 'a', subject: 's' });
    await store.write(key, { sealed: 'b' }, 60_000);
    expect(await store.read(key)).toEqual({ sealed: 'b' });
    await store.setField(key, 'consumed', '123');
    expect(await store.read(key)).toEqual({ sealed: 'b', consumed: '123' });
    await store.setField(brokerKeys.vault('missing'), 'consumed', '1');
    expect(await store.read(brokerKeys.vault('missing'))).toBeUndefined();
    await store.remove(key);
    expect(await store.read(key)).toBeUndefined();
  });

  it('hands a taken record to one taker only', async () => {
    const store = make();
    const key = brokerKeys.upstreamState('state-1');
    await store.write(key, { uid: 'u' }, 60_000);
    const [first, second] = await Promise.all([store.take(key), store.take(key)]);
    expect([first, second].filter(Boolean)).toEqual([{ uid: 'u' }]);
  });

  it('gives a lock to one owner, and lets only that owner release it', async () => {
    const store = make();
    const key = brokerKeys.refreshLock('grant-1');
    expect(await store.lock(key, 'a', 60_000)).toBe(true);
    expect(await store.lock(key, 'b', 60_000)).toBe(false);
    await store.unlock(key, 'b');
    expect(await store.lock(key, 'b', 60_000)).toBe(false);
    await store.unlock(key, 'a');
    expect(await store.lock(key, 'b', 60_000)).toBe(true);
  });

  it('keeps sets of members', async () => {
    const store = make();
    const key = brokerKeys.subjectGrants('user-1');
    await store.addMember(key, 'g1', 60_000);
    await store.addMember(key, 'g2', 60_000);
    await store.addMember(key, 'g1', 60_000);
    expect((await store.members(key)).sort()).toEqual(['g1', 'g2']);
    expect(await store.members(brokerKeys.subjectGrants('nobody'))).toEqual([]);
  });
});

describe('the one-node cluster', () => {
  it('really refuses a command across two slots, so the passes above mean something', async () => {
    await expect(cluster.client.mget('{a}x', '{b}y')).rejects.toThrow(/CROSSSLOT/);
  });
});
