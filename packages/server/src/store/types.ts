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

/** What a write's idempotency key is bound to. */
export type IdempotencyRecord =
  | { state: 'pending'; fingerprint: string }
  | { state: 'done'; fingerprint: string; result: CallToolResult };

export interface IdempotencyStore {
  /** Binds `key` to a pending call if it is free (undefined); otherwise returns what it is bound to. */
  claim(key: string, fingerprint: string, ttlMs: number): Promise<IdempotencyRecord | undefined>;
  /** Records the outcome of a claimed call, for `ttlMs`. */
  complete(key: string, fingerprint: string, result: CallToolResult, ttlMs: number): Promise<void>;
  /** Frees a claimed key (the call certainly created nothing). */
  release(key: string): Promise<void>;
  get(key: string): Promise<IdempotencyRecord | undefined>;
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
