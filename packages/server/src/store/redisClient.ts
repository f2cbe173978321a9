/**
 * The Redis connection the store runs on: an ioredis `Redis` (REDIS_MODE=standalone, a plain
 * node) or `Cluster` (REDIS_MODE=cluster: ElastiCache Serverless for Valkey speaks the cluster
 * protocol behind one endpoint; the client follows MOVED/ASK and routes each command to the
 * node of its slot). Both fail a command at once while disconnected (no offline queue), so a
 * request gets 503 in milliseconds, never a hang, and both reconnect by themselves.
 *
 * Also: how a Redis failure is described in the log, by its error class and command name
 * only (a key holds a session id or a hashed subject; a value may hold a tool result).
 */
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';

export type RedisConnection = Redis | Cluster;
export type RedisMode = 'standalone' | 'cluster';

export interface RedisConnectionOptions {
  url: string;
  mode: RedisMode;
  commandTimeoutMs: number;
  password?: string | undefined;
}

/** Reconnect for ever, at most every 2 s: the server recovers by itself when Redis returns. */
const retryStrategy = (attempt: number): number => Math.min(100 * attempt, 2_000);

export function connectTimeoutOf(options: RedisConnectionOptions): number {
  return Math.max(options.commandTimeoutMs, 2_000);
}

function nodeOptions(options: RedisConnectionOptions): RedisOptions {
  return {
    ...(options.password ? { password: options.password } : {}),
    enableOfflineQueue: false,
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: connectTimeoutOf(options),
    maxRetriesPerRequest: 0,
    retryStrategy,
  };
}

function withoutOfflineQueue(options: RedisOptions): Omit<RedisOptions, 'enableOfflineQueue' | 'retryStrategy'> {
  const { enableOfflineQueue: _queue, retryStrategy: _retry, ...rest } = options;
  return rest;
}

export function connectRedis(options: RedisConnectionOptions): RedisConnection {
  if (options.mode === 'standalone') {
    // Commands issued in the same tick go out as one pipeline: under load, far fewer writes.
    return new Redis(options.url, { ...nodeOptions(options), enableAutoPipelining: true });
  }
  const url = new URL(options.url);
  const tls = url.protocol === 'rediss:';
  const username = decodeURIComponent(url.username);
  const password = url.password ? decodeURIComponent(url.password) : options.password;
  const clusterOptions: ClusterOptions = {
    enableOfflineQueue: false,
    // Auto-pipelining on a cluster groups commands per node, so it stays slot-correct.
    enableAutoPipelining: true,
    clusterRetryStrategy: retryStrategy,
    slotsRefreshTimeout: connectTimeoutOf(options),
    // Behind one TLS endpoint (ElastiCache Serverless) the node addresses must not be
    // re-resolved, or the certificate's name would not match.
    ...(tls ? { dnsLookup: (address: string, callback: (err: null, address: string) => void) => callback(null, address) } : {}),
    redisOptions: {
      // The cluster-level `enableOfflineQueue: false` above is what makes a command fail at once
      // while the cluster is not ready; ioredis manages its node connections' queues itself.
      ...withoutOfflineQueue(nodeOptions({ ...options, password })),
      ...(username ? { username } : {}),
      ...(password ? { password } : {}),
      ...(tls ? { tls: { servername: url.hostname } } : {}),
    },
  };
  return new Cluster([{ host: url.hostname, port: Number(url.port || 6379) }], clusterOptions);
}

/** A connection of its own for SUBSCRIBE (a subscribed connection can run nothing else). */
export function subscriberOf(redis: RedisConnection): RedisConnection {
  // Its offline queue stays on: after a reconnect ioredis re-subscribes every channel by itself.
  if (redis instanceof Cluster) return redis.duplicate(undefined, { enableOfflineQueue: true });
  return redis.duplicate({ enableOfflineQueue: true });
}

/**
 * A Redis failure as the log may show it: the error class (the first word of a server reply,
 * e.g. CROSSSLOT, NOAUTH, WRONGTYPE, or the client's error name) and the command's name.
 * Never its arguments: they hold keys and values.
 */
export class StoreCommandError extends Error {
  constructor(readonly errorClass: string, readonly command: string | undefined, readonly operation: string) {
    super(`Redis ${errorClass}${command ? ` on ${command}` : ''} (${operation})`);
    this.name = 'StoreCommandError';
  }
}

export function describeRedisError(error: unknown, operation: string): StoreCommandError {
  const e = error as { name?: unknown; message?: unknown; code?: unknown; command?: { name?: unknown } };
  const name = typeof e?.name === 'string' ? e.name : 'Error';
  const message = typeof e?.message === 'string' ? e.message : '';
  // A server reply starts with its class in capitals ("CROSSSLOT Keys in request don't hash…").
  const replyClass = name === 'ReplyError' ? /^[A-Z][A-Z_-]+/.exec(message)?.[0] : undefined;
  // ioredis's own errors ("Connection is closed.", "Cluster isn't ready…") name no key or value.
  const clientMessage = name === 'ReplyError' ? undefined : message.slice(0, 80);
  const errorClass = replyClass ?? (typeof e?.code === 'string' ? e.code : clientMessage ? `${name}: ${clientMessage}` : name);
  const command = typeof e?.command?.name === 'string' ? e.command.name.toUpperCase() : undefined;
  return new StoreCommandError(errorClass, command, operation);
}
