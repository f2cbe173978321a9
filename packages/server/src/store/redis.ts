/**
 * The shared store on the Redis protocol: ElastiCache Serverless for Valkey in the stack, a
 * plain `redis-server` in tests. `REDIS_URL` carries everything: `rediss://` turns TLS on,
 * `user:password@` is AUTH (ACL user) — what ElastiCache Serverless needs.
 *
 * Client: ioredis. It is the client rate-limiter-flexible documents first (its Redis limiter
 * runs its Lua through it unchanged), it parses `rediss://user:pass@` URLs into TLS + ACL AUTH
 * itself, reconnects on its own with a back-off we choose, and `enableOfflineQueue: false`
 * makes a command fail at once while disconnected instead of queueing: a request then gets
 * 503 in milliseconds, never a hang. (iovalkey is a fork of it with the same API; node-redis 5
 * would need rate-limiter-flexible's `useRedisPackage` mode and its own URL/TLS handling.)
 */
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { CallToolResult, JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { newSessionId, ownedBy, SessionLimitError, type SessionLimits, type SessionOwner, type SessionRecord, type SessionStore, type SessionTransport } from './sessions.js';
import { createRedisBrokerStore } from './brokerRedis.js';
import { StoreUnavailableError, type IdempotencyRecord, type IdempotencyStore, type SessionRelay, type SharedStore } from './types.js';

export interface RedisStoreOptions {
  url: string;
  /** Longest any one command may take before the request gets 503. */
  commandTimeoutMs: number;
  /** AUTH password when it is not in the URL (the stack injects it from Secrets Manager). */
  password?: string;
  /** Key prefix, so one Redis can serve several deployments (and tests). */
  prefix?: string;
  onError?: (error: Error) => void;
}

const sha = (value: string): string => createHash('sha256').update(value).digest('base64url');

/** Runs one store operation; any failure of Redis becomes `StoreUnavailableError`. */
async function guarded<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw error instanceof StoreUnavailableError ? error : new StoreUnavailableError(operation, error);
  }
}

class RedisIdempotency implements IdempotencyStore {
  constructor(private readonly redis: Redis, private readonly prefix: string) {}

  private key(key: string): string {
    return `${this.prefix}idem:${sha(key)}`;
  }

  claim(key: string, fingerprint: string, ttlMs: number): Promise<IdempotencyRecord | undefined> {
    return guarded('idempotency.claim', async () => {
      const pending: IdempotencyRecord = { state: 'pending', fingerprint };
      // SET NX is the claim: exactly one task wins it, whichever tasks the retries reach.
      const won = await this.redis.set(this.key(key), JSON.stringify(pending), 'PX', ttlMs, 'NX');
      if (won === 'OK') return undefined;
      return (await this.get(key)) ?? { state: 'pending', fingerprint };
    });
  }

  complete(key: string, fingerprint: string, result: CallToolResult, ttlMs: number): Promise<void> {
    return guarded('idempotency.complete', async () => {
      await this.redis.set(this.key(key), JSON.stringify({ state: 'done', fingerprint, result }), 'PX', ttlMs);
    });
  }

  release(key: string): Promise<void> {
    return guarded('idempotency.release', async () => {
      await this.redis.del(this.key(key));
    });
  }

  get(key: string): Promise<IdempotencyRecord | undefined> {
    return guarded('idempotency.get', async () => {
      const raw = await this.redis.get(this.key(key));
      return raw === null ? undefined : (JSON.parse(raw) as IdempotencyRecord);
    });
  }
}

/**
 * Session records as Redis hashes that expire when idle (PEXPIRE on each touch), plus one
 * sorted set per subject (by expiry) for the per-user cap. The total cap stays per process
 * (`MCP_MAX_SESSIONS`): it protects this task's memory, which is what it is for.
 */
class RedisSessionStore implements SessionStore {
  private created = 0;
  /** When this task last refreshed each session's expiry (bounded: old entries fall out). */
  private readonly lastTouched = new LRUCache<string, number>({ max: 50_000 });

  constructor(private readonly redis: Redis, private readonly prefix: string, private readonly limits: SessionLimits, private readonly onError: (error: Error) => void) {}

  get size(): number {
    return this.created;
  }

  private key(id: string): string {
    return `${this.prefix}sess:${id}`;
  }

  private subjectKey(subject: string): string {
    return `${this.prefix}subj:${sha(subject)}`;
  }

  create(owner: SessionOwner, transport: SessionTransport): Promise<SessionRecord> {
    return guarded('sessions.create', async () => {
      const now = Date.now();
      const subjectKey = this.subjectKey(owner.subject);
      const [, count] = (await this.redis.multi().zremrangebyscore(subjectKey, '-inf', now).zcard(subjectKey).exec()) ?? [];
      if (Number(count?.[1] ?? 0) >= this.limits.maxSessionsPerSubject) throw new SessionLimitError('per-subject', this.limits.maxSessionsPerSubject);
      if (this.created >= this.limits.maxSessions) throw new SessionLimitError('total', this.limits.maxSessions);
      const record: SessionRecord = { id: newSessionId(), subject: owner.subject, clientId: owner.clientId, transport, createdAt: now, lastSeenAt: now };
      const key = this.key(record.id);
      await this.redis.multi()
        .hset(key, { subject: record.subject, clientId: record.clientId, transport, createdAt: String(now) })
        .pexpire(key, this.limits.idleTimeoutMs)
        .zadd(subjectKey, now + this.limits.idleTimeoutMs, record.id)
        .pexpire(subjectKey, this.limits.idleTimeoutMs)
        .exec();
      this.created++;
      return record;
    });
  }

  getOwned(id: string, owner: SessionOwner): Promise<SessionRecord | undefined> {
    return guarded('sessions.get', async () => {
      const h = await this.redis.hgetall(this.key(id));
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

  touch(id: string): void {
    // At most one PEXPIRE per session per tenth of the idle timeout from this task: the expiry
    // then drifts by at most 10 %, and a busy session costs one round trip less per request.
    const now = Date.now();
    const last = this.lastTouched.get(id);
    if (last !== undefined && now - last < this.limits.idleTimeoutMs / 10) return;
    this.lastTouched.set(id, now);
    // Fire and forget: a missed touch only shortens an idle timeout.
    this.redis.pexpire(this.key(id), this.limits.idleTimeoutMs).catch((error: Error) => this.onError(error));
  }

  update(id: string, patch: Partial<Pick<SessionRecord, 'protocolVersion' | 'logLevel'>>): Promise<void> {
    return guarded('sessions.update', async () => {
      const fields = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Record<string, string>;
      if (Object.keys(fields).length === 0) return;
      const key = this.key(id);
      if ((await this.redis.exists(key)) === 1) await this.redis.hset(key, fields);
    });
  }

  delete(id: string): Promise<boolean> {
    return guarded('sessions.delete', async () => {
      const key = this.key(id);
      const subject = await this.redis.hget(key, 'subject');
      const removed = await this.redis.del(key);
      this.lastTouched.delete(id);
      if (subject) await this.redis.zrem(this.subjectKey(subject), id);
      return removed === 1;
    });
  }

  /** Redis expires idle records itself. */
  async evictIdle(): Promise<string[]> {
    return [];
  }
}

/** The example-remote-server pattern: one channel per session; the task holding the stream subscribes. */
class RedisRelay implements SessionRelay {
  private readonly listeners = new Map<string, (message: JSONRPCMessage) => void>();
  private subscriber: Redis | undefined;

  constructor(private readonly redis: Redis, private readonly prefix: string, private readonly onError: (error: Error) => void) {}

  private channel(sessionId: string): string {
    return `${this.prefix}relay:${sessionId}`;
  }

  private sub(): Redis {
    if (!this.subscriber) {
      // A subscribed connection can run nothing else, hence its own. Its offline queue stays on:
      // after a reconnect ioredis re-subscribes every channel by itself.
      this.subscriber = this.redis.duplicate({ enableOfflineQueue: true });
      this.subscriber.on('error', (error: Error) => this.onError(error));
      this.subscriber.on('message', (channel: string, text: string) => {
        const deliver = this.listeners.get(channel);
        if (deliver) deliver(JSON.parse(text) as JSONRPCMessage);
      });
    }
    return this.subscriber;
  }

  publish(sessionId: string, message: JSONRPCMessage): Promise<boolean> {
    return guarded('relay.publish', async () => (await this.redis.publish(this.channel(sessionId), JSON.stringify(message))) > 0);
  }

  hasListener(sessionId: string): Promise<boolean> {
    return guarded('relay.numsub', async () => {
      const reply = (await this.redis.pubsub('NUMSUB', this.channel(sessionId))) as [string, number];
      return Number(reply[1]) > 0;
    });
  }

  listen(sessionId: string, deliver: (message: JSONRPCMessage) => void): Promise<() => void> {
    return guarded('relay.subscribe', async () => {
      const channel = this.channel(sessionId);
      this.listeners.set(channel, deliver);
      await this.sub().subscribe(channel);
      return () => {
        this.listeners.delete(channel);
        this.sub().unsubscribe(channel).catch((error: Error) => this.onError(error));
      };
    });
  }

  async close(): Promise<void> {
    this.subscriber?.disconnect();
  }
}

export function createRedisStore(options: RedisStoreOptions): SharedStore {
  const prefix = options.prefix ?? 'mcp:';
  const onError = options.onError ?? (() => {});
  const connectTimeoutMs = Math.max(options.commandTimeoutMs, 2_000);
  const redis = new Redis(options.url, {
    ...(options.password ? { password: options.password } : {}),
    enableOfflineQueue: false,
    // Commands issued in the same tick go out as one pipeline: under load, far fewer writes.
    enableAutoPipelining: true,
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: connectTimeoutMs,
    maxRetriesPerRequest: 0,
    // Reconnect for ever, at most every 2 s: the server recovers by itself when Redis returns.
    retryStrategy: (attempt: number) => Math.min(100 * attempt, 2_000),
  });
  redis.on('error', onError);
  const relay = new RedisRelay(redis, prefix, onError);
  return {
    kind: 'redis',
    idempotency: new RedisIdempotency(redis, prefix),
    broker: createRedisBrokerStore(redis, `${prefix}broker:`),
    relay,
    sessions: (limits) => new RedisSessionStore(redis, prefix, limits, onError),
    limiter: (limiterPrefix, points, durationS) => new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}${limiterPrefix}`, points, duration: durationS }),
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
