/**
 * The state that must be shared across tasks, behind one interface: idempotency records,
 * session records, rate-limit counters and the routing of answers to the task that holds a
 * stream. Two implementations: in memory (the embedded default) and Redis-protocol
 * (`REDIS_URL`, Valkey/ElastiCache or a plain redis-server).
 *
 * No tokens, ever: keys are the token's subject (hashed where a user-chosen value is part
 * of the key), session ids and channel names.
 */
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { CallToolResult, JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { SessionLimits, SessionStore } from './sessions.js';
import type { BrokerStore } from './brokerStore.js';
import type { RedisConnection } from './redisClient.js';

/**
 * What a write's idempotency key is bound to. A pending record is a lease: owned by the task
 * that claimed it, valid until `leaseUntil` (epoch ms). Past that, its owner is presumed dead
 * (or its call hung), and nobody can know whether NeonPanel received the write.
 */
export type IdempotencyRecord =
  | { state: 'pending'; fingerprint: string; owner: string; leaseUntil: number }
  | { state: 'done'; fingerprint: string; result: CallToolResult };

export interface IdempotencyClaim {
  fingerprint: string;
  /** How long the claim is a live lease: the upstream timeout times the attempts, and a margin. */
  leaseMs: number;
  /** How long the record (pending or done) is kept at all: 24 h. */
  ttlMs: number;
}

export interface IdempotencyStore {
  /** This task's identity as a lease owner. */
  readonly owner: string;
  /** Binds `key` to a lease owned by this task if it is free (undefined); otherwise returns what it is bound to. */
  claim(key: string, claim: IdempotencyClaim): Promise<IdempotencyRecord | undefined>;
  /** Records the outcome of a claimed call, for `ttlMs`. */
  complete(key: string, fingerprint: string, result: CallToolResult, ttlMs: number): Promise<void>;
  /** Frees a key this task holds a pending lease on (the call certainly created nothing); another owner's record stays. */
  release(key: string): Promise<void>;
  get(key: string): Promise<IdempotencyRecord | undefined>;
}

/** One holder's place in a lease semaphore; `release` gives it back (idempotent). */
export interface Lease {
  release(): void;
}

/**
 * A counting semaphore of leases per scope (a user): each acquire takes one lease with its own
 * expiry, so a holder that dies gives its place back when its lease runs out, and a release
 * can never push the count below zero (it removes that one lease, or nothing).
 */
export interface LeaseSemaphore {
  /** A lease, or how long until the earliest one ends (ms) when all `max` are taken. */
  acquire(scope: string, max: number, leaseMs: number): Promise<Lease | { retryAfterMs: number }>;
  /** Leases held now in `scope` (tests, the soak benchmark). */
  held(scope: string): Promise<number>;
}

/** Delivers messages for a session's stream to whichever task holds it. */
export interface SessionRelay {
  /** Delivers `message` to the task listening for `sessionId`; false when none is. */
  publish(sessionId: string, message: JSONRPCMessage): Promise<boolean>;
  /** True when some task listens for `sessionId`. */
  hasListener(sessionId: string): Promise<boolean>;
  /** Starts delivering this session's messages to `deliver`; returns the unsubscribe. */
  listen(sessionId: string, deliver: (message: JSONRPCMessage) => void): Promise<() => void>;
}

export type StoreHealth = 'ok' | 'unreachable';

export interface SharedStore {
  readonly kind: 'memory' | 'redis';
  readonly idempotency: IdempotencyStore;
  readonly relay: SessionRelay;
  /** The OAuth broker's models, vault ciphertext, states and locks (brokerStore.ts). */
  readonly broker: BrokerStore;
  /** In-flight NeonPanel requests per user. */
  readonly leases: LeaseSemaphore;
  /**
   * The Redis connection (a `Redis` or, with REDIS_MODE=cluster, a `Cluster`) and its key
   * layout, for other shared-state modules of `store/`: undefined for the in-memory store.
   * Such a module uses only commands common to both clients, and keeps each multi-key
   * command or transaction inside one hash tag (`keys.ts`).
   */
  readonly redis?: RedisConnection | undefined;
  sessions(limits: SessionLimits): SessionStore;
  /** A limiter of `points` per `durationS`, under `prefix`, counted wherever the store is. */
  limiter(prefix: string, points: number, durationS: number): RateLimiterAbstract;
  health(): Promise<StoreHealth>;
  /**
   * Resolves once the store can answer, or after its connect timeout if it cannot: never
   * rejects. Start-up waits for it before listening, so a fresh task does not answer its first
   * requests 503 while its connection is still being made; a store that is down at start-up
   * still lets the server start and recover by itself.
   */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The store could not answer (Redis unreachable, timed out). Requests that need it get 503
 * with Retry-After; this is the one error type every caller checks, so an observer (metrics,
 * traces) can count store failures in `http/errors.ts` and the limits module.
 */
export class StoreUnavailableError extends Error {
  readonly retryAfterSeconds = 2;
  constructor(readonly operation: string, cause?: unknown) {
    super('Shared state is temporarily unavailable. Retry shortly.', { cause });
    this.name = 'StoreUnavailableError';
  }
}
