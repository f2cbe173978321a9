/**
 * The broker store on the Redis protocol. Every command touches one key (the caller's key
 * carries its hash tag), and only commands that ioredis `Redis` and `Cluster` both offer are
 * used, so it runs unchanged on a single node and on ElastiCache in cluster mode.
 */
import type { Cluster, Redis } from 'ioredis';
import type { BrokerRecord, BrokerStore } from './brokerStore.js';
import { StoreUnavailableError } from './types.js';

/** Compare-and-delete: a lock is released only by the task that holds it. */
const UNLOCK = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";
/** HSET on an existing hash only, so a consumed-marker never resurrects a deleted record. */
const SET_FIELD = "if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end return 0";
/** Raises a set's expiry to at least ARGV[2] ms, never lowers it. */
const ADD_MEMBER = "redis.call('SADD', KEYS[1], ARGV[1]) local t = redis.call('PTTL', KEYS[1]) if t < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 1";

async function guarded<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new StoreUnavailableError(operation, error);
  }
}

const asRecord = (hash: Record<string, string>): BrokerRecord | undefined => (Object.keys(hash).length === 0 ? undefined : hash);

export function createRedisBrokerStore(redis: Redis | Cluster, prefix = 'mcp:broker:'): BrokerStore {
  const k = (key: string) => `${prefix}${key}`;
  return {
    write: (key, record, ttlMs) => guarded('broker.write', async () => {
      // One key in one transaction: valid on a cluster, and no reader sees half a record.
      const tx = redis.multi().del(k(key)).hset(k(key), record);
      if (ttlMs !== undefined) tx.pexpire(k(key), Math.max(1, Math.ceil(ttlMs)));
      await tx.exec();
    }),
    read: (key) => guarded('broker.read', async () => asRecord(await redis.hgetall(k(key)))),
    setField: (key, field, value) => guarded('broker.setField', async () => {
      await redis.eval(SET_FIELD, 1, k(key), field, value);
    }),
    take: (key) => guarded('broker.take', async () => {
      const result = await redis.multi().hgetall(k(key)).del(k(key)).exec();
      const hash = result?.[0]?.[1] as Record<string, string> | undefined;
      return hash ? asRecord(hash) : undefined;
    }),
    remove: (key) => guarded('broker.remove', async () => {
      await redis.del(k(key));
    }),
    lock: (key, owner, ttlMs) => guarded('broker.lock', async () =>
      (await redis.set(k(key), owner, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX')) === 'OK'),
    unlock: (key, owner) => guarded('broker.unlock', async () => {
      await redis.eval(UNLOCK, 1, k(key), owner);
    }),
    addMember: (key, member, ttlMs) => guarded('broker.addMember', async () => {
      await redis.eval(ADD_MEMBER, 1, k(key), member, String(Math.max(1, Math.ceil(ttlMs))));
    }),
    members: (key) => guarded('broker.members', () => redis.smembers(k(key))),
  };
}
