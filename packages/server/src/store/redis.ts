/**
 * The shared store on the Redis protocol: ElastiCache Serverless for Valkey in the stack
 * (cluster semantics, REDIS_MODE=cluster), a plain `redis-server` or a one-node cluster in
 * tests. `REDIS_URL` carries everything: `rediss://` turns TLS on, `user:password@` is AUTH
 * (ACL user) — what ElastiCache Serverless needs.
 *
 * Client: ioredis (`redisClient.ts`). It is the client rate-limiter-flexible documents first
 * (its Redis limiter runs its Lua through it unchanged, on `Redis` and `Cluster` alike).
 *
 * Every operation below touches one hash slot (`keys.ts`): a check-and-set is one Lua script
 * on one key, so it is atomic and cluster-safe at once, and costs one round trip.
 */
import { randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import type { CallToolResult, JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { storeKeys, type StoreKeys } from './keys.js';
import { connectRedis, connectTimeoutOf, describeRedisError, subscriberOf, type RedisConnection, type RedisMode } from './redisClient.js';
import { newSessionId, ownedBy, SessionLimitError, type SessionLimits, type SessionOwner, type SessionRecord, type SessionStore, type SessionTransport } from './sessions.js';
import { createRedisBrokerStore } from './brokerRedis.js';
import {
  StoreUnavailableError,
  type IdempotencyClaim,
  type IdempotencyRecord,
  type IdempotencyStore,
  type Lease,
  type LeaseSemaphore,
  type SessionRelay,
  type SharedStore,
} from './types.js';

export interface RedisStoreOptions {
  url: string;
  /** `cluster` for ElastiCache Serverless (cluster semantics behind one endpoint). Default standalone. */
  mode?: RedisMode;
  /** Longest any one command may take before the request gets 503. */
  commandTimeoutMs: number;
  /** AUTH password when it is not in the URL (the stack injects it from Secrets Manager). */
  password?: string;
  /** Key prefix, so one Redis can serve several deployments (and tests). */
  prefix?: string;
  /** Told of every Redis failure, as a `StoreCommandError` (error class and command name only). */
  onError?: (error: Error) => void;
}

/** How long a stream's owner record lives without a heartbeat: a task killed with -9 stops owning its streams within this. */
const STREAM_OWNER_LEASE_MS = 30_000;

type Script = (keys: readonly string[], args: ReadonlyArray<string | number>) => Promise<unknown>;

/** A Lua script on one key (so one slot), loaded once per connection and called by its SHA. */
function script(redis: RedisConnection, name: string, lua: string): Script {
  redis.defineCommand(name, { numberOfKeys: 1, lua });
  const commands = redis as unknown as Record<string, (...args: Array<string | number>) => Promise<unknown>>;
  return (keys, args) => commands[name]!(...keys, ...args);
}

/** A flat HGETALL-style reply as an object. */
function fields(reply: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(reply)) return out;
  for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = String(reply[i + 1]);
  return out;
}

/** Runs store operations; any failure of Redis becomes `StoreUnavailableError`, told to the log once per class and command a few seconds. */
function guard(onError: (error: Error) => void) {
  const lastTold = new LRUCache<string, number>({ max: 1_000 });
  const tell = (error: unknown, operation: string): Error => {
    const described = describeRedisError(error, operation);
    const key = `${described.errorClass}\0${described.command ?? ''}\0${operation}`;
    const now = Date.now();
    if ((lastTold.get(key) ?? 0) < now - 5_000) {
      lastTold.set(key, now);
      onError(described);
    }
    return described;
  };
  return {
    tell,
    async run<T>(operation: string, work: () => Promise<T>): Promise<T> {
      try {
        return await work();
      } catch (error) {
        if (error instanceof StoreUnavailableError || error instanceof SessionLimitError) throw error;
        throw new StoreUnavailableError(operation, tell(error, operation));
      }
    },
  };
}
type Guard = ReturnType<typeof guard>;

const CLAIM_LUA = `
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('HGETALL', KEYS[1]) end
redis.call('HSET', KEYS[1], 'state', 'pending', 'fingerprint', ARGV[1], 'owner', ARGV[2], 'leaseUntil', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {}`;

const RELEASE_LUA = `
if redis.call('HGET', KEYS[1], 'state') == 'pending' and redis.call('HGET', KEYS[1], 'owner') == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

class RedisIdempotency implements IdempotencyStore {
  private readonly claimScript: Script;
  private readonly releaseScript: Script;

  constructor(private readonly redis: RedisConnection, private readonly keys: StoreKeys, readonly owner: string, private readonly guarded: Guard) {
    this.claimScript = script(redis, 'mcpIdemClaim', CLAIM_LUA);
    this.releaseScript = script(redis, 'mcpIdemRelease', RELEASE_LUA);
  }

  claim(key: string, claim: IdempotencyClaim): Promise<IdempotencyRecord | undefined> {
    return this.guarded.run('idempotency.claim', async () => {
      // One script: the claim is taken (exactly one task wins it) or the record it meets comes back.
      const reply = await this.claimScript([this.keys.idempotency(key)], [claim.fingerprint, this.owner, Date.now() + claim.leaseMs, claim.ttlMs]);
      return recordOf(fields(reply));
    });
  }

  complete(key: string, fingerprint: string, result: CallToolResult, ttlMs: number): Promise<void> {
    return this.guarded.run('idempotency.complete', async () => {
      const k = this.keys.idempotency(key);
      await this.redis.multi().del(k).hset(k, { state: 'done', fingerprint, result: JSON.stringify(result) }).pexpire(k, ttlMs).exec();
    });
  }

  release(key: string): Promise<void> {
    return this.guarded.run('idempotency.release', async () => {
      await this.releaseScript([this.keys.idempotency(key)], [this.owner]);
    });
  }

  get(key: string): Promise<IdempotencyRecord | undefined> {
    return this.guarded.run('idempotency.get', async () => recordOf(await this.redis.hgetall(this.keys.idempotency(key))));
  }
}

function recordOf(h: Record<string, string>): IdempotencyRecord | undefined {
  const fingerprint = h['fingerprint'];
  if (fingerprint === undefined) return undefined;
  if (h['state'] === 'done') return { state: 'done', fingerprint, result: JSON.parse(h['result'] ?? '{}') as CallToolResult };
  return { state: 'pending', fingerprint, owner: h['owner'] ?? '', leaseUntil: Number(h['leaseUntil'] ?? 0) };
}

/** Per-user cap check-and-add, atomically: drop expired members, count, add if under the cap. */
const ADMIT_LUA = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1`;

/** Reads a session and, when it belongs to the caller, refreshes its idle expiry: one round trip. */
const READ_SESSION_LUA = `
local h = redis.call('HGETALL', KEYS[1])
if #h == 0 then return h end
if redis.call('HGET', KEYS[1], 'subject') == ARGV[1] and redis.call('HGET', KEYS[1], 'clientId') == ARGV[2] then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
return h`;

/** Sets fields of a record that still exists (never resurrects a deleted or expired one). */
const UPDATE_IF_EXISTS_LUA = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1`;

/**
 * Session records as Redis hashes that expire when idle, plus one sorted set per user (by
 * expiry) for the per-user cap. The total cap stays per task (`MCP_MAX_SESSIONS`): it protects
 * this task's memory. It counts the sessions this task created that are still alive: a delete
 * (here or on another task), a closed stream and an expiry all give the place back.
 */
class RedisSessionStore implements SessionStore {
  /** Live sessions this task created, with their owner's subject. */
  private readonly mine = new Map<string, string>();
  /** When this task last refreshed each session's place in its user's index (bounded: old entries fall out). */
  private readonly lastTouched = new LRUCache<string, number>({ max: 50_000 });
  private readonly admitScript: Script;
  private readonly readScript: Script;
  private readonly updateScript: Script;

  constructor(private readonly redis: RedisConnection, private readonly keys: StoreKeys, private readonly limits: SessionLimits, private readonly guarded: Guard) {
    this.admitScript = script(redis, 'mcpSessionAdmit', ADMIT_LUA);
    this.readScript = script(redis, 'mcpSessionRead', READ_SESSION_LUA);
    this.updateScript = script(redis, 'mcpUpdateIfExists', UPDATE_IF_EXISTS_LUA);
  }

  get size(): number {
    return this.mine.size;
  }

  create(owner: SessionOwner, transport: SessionTransport): Promise<SessionRecord> {
    return this.guarded.run('sessions.create', async () => {
      if (this.mine.size >= this.limits.maxSessions) throw new SessionLimitError('total', this.limits.maxSessions);
      const now = Date.now();
      const idle = this.limits.idleTimeoutMs;
      const record: SessionRecord = { id: newSessionId(), subject: owner.subject, clientId: owner.clientId, transport, createdAt: now, lastSeenAt: now };
      const index = this.keys.subjectSessions(owner.subject);
      const admitted = await this.admitScript([index], [now, now + idle, record.id, this.limits.maxSessionsPerSubject, idle]);
      if (Number(admitted) !== 1) throw new SessionLimitError('per-subject', this.limits.maxSessionsPerSubject);
      const key = this.keys.session(record.id);
      try {
        await this.redis.multi().hset(key, { subject: record.subject, clientId: record.clientId, transport, createdAt: String(now) }).pexpire(key, idle).exec();
      } catch (error) {
        this.redis.zrem(index, record.id).catch(() => {}); // otherwise its place lapses with its score
        throw error;
      }
      this.mine.set(record.id, owner.subject);
      this.lastTouched.set(record.id, now);
      return record;
    });
  }

  getOwned(id: string, owner: SessionOwner): Promise<SessionRecord | undefined> {
    return this.guarded.run('sessions.get', async () => {
      const h = fields(await this.readScript([this.keys.session(id)], [owner.subject, owner.clientId, this.limits.idleTimeoutMs]));
      if (!h['subject'] || !h['clientId']) return undefined;
      const record: SessionRecord = {
        id,
        subject: h['subject'],
        clientId: h['clientId'],
        transport: h['transport'] === 'sse' ? 'sse' : 'streamable',
        createdAt: Number(h['createdAt']),
        lastSeenAt: Date.now(),
        ...(h['protocolVersion'] ? { protocolVersion: h['protocolVersion'] } : {}),
        ...(h['logLevel'] ? { logLevel: h['logLevel'] as SessionRecord['logLevel'] } : {}),
      };
      return ownedBy(record, owner) ? record : undefined;
    });
  }

  touch(session: SessionRecord): void {
    // The record's own expiry was refreshed by the read; this keeps its place in the user's
    // index (ZADD XX: never re-adds one deleted meanwhile), so an active session keeps
    // counting against the per-user cap. At most once per tenth of the idle timeout from this
    // task: the index then drifts by at most 10 %, and a busy session costs no round trip.
    const now = Date.now();
    const last = this.lastTouched.get(session.id);
    if (last !== undefined && now - last < this.limits.idleTimeoutMs / 10) return;
    this.lastTouched.set(session.id, now);
    const index = this.keys.subjectSessions(session.subject);
    // Fire and forget: a missed touch only lets the index forget an active session early.
    this.guarded.run('sessions.touch', () => this.redis.multi().zadd(index, 'XX', now + this.limits.idleTimeoutMs, session.id).pexpire(index, this.limits.idleTimeoutMs).exec()).catch(() => {});
  }

  update(id: string, patch: Partial<Pick<SessionRecord, 'protocolVersion' | 'logLevel'>>): Promise<void> {
    return this.guarded.run('sessions.update', async () => {
      const pairs = Object.entries(patch).filter((entry): entry is [string, string] => entry[1] !== undefined).flat();
      if (pairs.length === 0) return;
      await this.updateScript([this.keys.session(id)], pairs);
    });
  }

  delete(id: string): Promise<boolean> {
    return this.guarded.run('sessions.delete', async () => {
      const key = this.keys.session(id);
      const subject = (await this.redis.hget(key, 'subject')) ?? this.mine.get(id);
      const removed = await this.redis.del(key);
      this.forget(id);
      if (subject) await this.redis.zrem(this.keys.subjectSessions(subject), id);
      return removed === 1;
    });
  }

  /** Redis expires idle records itself; this finds this task's sessions that are gone (expired, or deleted elsewhere). */
  async evictIdle(): Promise<string[]> {
    const gone = await this.missing([...this.mine.keys()]);
    for (const id of gone) this.forget(id);
    return gone;
  }

  missing(ids: readonly string[]): Promise<string[]> {
    return this.guarded.run('sessions.exists', async () => {
      const exists = await Promise.all(ids.map((id) => this.redis.exists(this.keys.session(id))));
      return ids.filter((_, i) => exists[i] === 0);
    });
  }

  private forget(id: string): void {
    this.mine.delete(id);
    this.lastTouched.delete(id);
  }
}

/**
 * The example-remote-server pattern: one channel per session; the task holding the stream
 * subscribes. On a cluster a PUBLISH reaches subscribers on every node, but its reply (and
 * PUBSUB NUMSUB) counts only one node's: so whether a task holds the stream is an owner
 * record instead, a field of the session's record kept alive by a heartbeat while the stream
 * is open, which lapses by itself when the task dies.
 */
class RedisRelay implements SessionRelay {
  /** By channel: the session it carries, and where its messages go in this task. */
  private readonly listeners = new Map<string, { sessionId: string; deliver: (message: JSONRPCMessage) => void }>();
  private subscriber: RedisConnection | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly updateScript: Script;

  constructor(private readonly redis: RedisConnection, private readonly keys: StoreKeys, private readonly guarded: Guard) {
    this.updateScript = script(redis, 'mcpUpdateIfExists', UPDATE_IF_EXISTS_LUA);
  }

  private sub(): RedisConnection {
    if (!this.subscriber) {
      this.subscriber = subscriberOf(this.redis);
      this.subscriber.on('error', (error: Error) => this.guarded.tell(error, 'relay.subscriber'));
      this.subscriber.on('message', (channel: string, text: string) => {
        this.listeners.get(channel)?.deliver(JSON.parse(text) as JSONRPCMessage);
      });
    }
    return this.subscriber;
  }

  private claimOwnership(sessionIds: readonly string[]): Promise<unknown> {
    const until = String(Date.now() + STREAM_OWNER_LEASE_MS);
    return Promise.all(sessionIds.map((id) => this.updateScript([this.keys.session(id)], ['streamUntil', until])));
  }

  private startHeartbeat(): void {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => {
      const ids = [...this.listeners.values()].map((l) => l.sessionId);
      this.guarded.run('relay.heartbeat', () => this.claimOwnership(ids)).catch(() => {});
    }, STREAM_OWNER_LEASE_MS / 3);
    this.heartbeat.unref();
  }

  publish(sessionId: string, message: JSONRPCMessage): Promise<boolean> {
    return this.guarded.run('relay.publish', async () => {
      const received = await this.redis.publish(this.keys.sessionChannel(sessionId), JSON.stringify(message));
      return received > 0 || this.hasListener(sessionId);
    });
  }

  hasListener(sessionId: string): Promise<boolean> {
    return this.guarded.run('relay.owner', async () => Number(await this.redis.hget(this.keys.session(sessionId), 'streamUntil')) > Date.now());
  }

  listen(sessionId: string, deliver: (message: JSONRPCMessage) => void): Promise<() => void> {
    return this.guarded.run('relay.subscribe', async () => {
      const channel = this.keys.sessionChannel(sessionId);
      this.listeners.set(channel, { sessionId, deliver });
      await this.sub().subscribe(channel);
      await this.claimOwnership([sessionId]);
      this.startHeartbeat();
      return () => {
        this.listeners.delete(channel);
        this.sub().unsubscribe(channel).catch((error: Error) => this.guarded.tell(error, 'relay.unsubscribe'));
        this.redis.hdel(this.keys.session(sessionId), 'streamUntil').catch((error: Error) => this.guarded.tell(error, 'relay.disown'));
      };
    });
  }

  async close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.subscriber?.disconnect();
  }
}

/** Drop expired leases, and take one if fewer than `max` remain; else say when the earliest ends. */
const ACQUIRE_LUA = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, tonumber(first[2]) - tonumber(ARGV[1])}
end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return {1, 0}`;

class RedisLeases implements LeaseSemaphore {
  private readonly acquireScript: Script;
  private next = 0;

  constructor(private readonly redis: RedisConnection, private readonly keys: StoreKeys, private readonly owner: string, private readonly guarded: Guard) {
    this.acquireScript = script(redis, 'mcpLeaseAcquire', ACQUIRE_LUA);
  }

  acquire(scope: string, max: number, leaseMs: number): Promise<Lease | { retryAfterMs: number }> {
    return this.guarded.run('leases.acquire', async () => {
      const key = this.keys.subjectInFlight(scope);
      const id = `${this.owner}:${(this.next++).toString(36)}`;
      const now = Date.now();
      const [taken, waitMs] = (await this.acquireScript([key], [now, now + leaseMs, id, max, leaseMs])) as [number, number];
      if (Number(taken) !== 1) return { retryAfterMs: Math.max(Number(waitMs), 1) };
      let released = false;
      return {
        release: () => {
          if (released) return;
          released = true;
          // A failed give-back only leaves the lease until it expires.
          this.guarded.run('leases.release', () => this.redis.zrem(key, id)).catch(() => {});
        },
      };
    });
  }

  held(scope: string): Promise<number> {
    return this.guarded.run('leases.held', () => this.redis.zcount(this.keys.subjectInFlight(scope), Date.now(), '+inf'));
  }
}

export function createRedisStore(options: RedisStoreOptions): SharedStore {
  const prefix = options.prefix ?? 'mcp:';
  const onError = options.onError ?? (() => {});
  const connection = { url: options.url, mode: options.mode ?? 'standalone', commandTimeoutMs: options.commandTimeoutMs, password: options.password };
  const connectTimeoutMs = connectTimeoutOf(connection);
  const redis = connectRedis(connection);
  const guarded = guard(onError);
  redis.on('error', (error: Error) => guarded.tell(error, 'connection'));
  if (connection.mode === 'cluster') redis.on('node error', (error: Error) => guarded.tell(error, 'connection'));
  const keys = storeKeys(prefix);
  // This task's identity as the owner of idempotency leases and in-flight leases.
  const owner = randomBytes(9).toString('base64url');
  const relay = new RedisRelay(redis, keys, guarded);
  return {
    kind: 'redis',
    broker: createRedisBrokerStore(redis, `${prefix}broker:`),
    redis,
    idempotency: new RedisIdempotency(redis, keys, owner, guarded),
    relay,
    leases: new RedisLeases(redis, keys, owner, guarded),
    sessions: (limits) => new RedisSessionStore(redis, keys, limits, guarded),
    limiter: (limiterPrefix, points, durationS) => new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${prefix}${limiterPrefix}`,
      points,
      duration: durationS,
      // While Redis is unreachable each task counts in its own memory (rate-limiter-flexible's
      // insurance): stateless reads keep their limit and keep being served.
      insuranceLimiter: new RateLimiterMemory({ keyPrefix: limiterPrefix, points, duration: durationS }),
    }),
    async health() {
      try {
        await redis.ping();
        return 'ok';
      } catch {
        return 'unreachable';
      }
    },
    ready() {
      if (redis.status === 'ready') return Promise.resolve();
      return new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          redis.off('ready', done);
          resolve();
        };
        const timer = setTimeout(done, connectTimeoutMs);
        redis.once('ready', done);
      });
    },
    async close() {
      await relay.close();
      redis.disconnect();
    },
  };
}
