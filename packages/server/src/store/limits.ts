/**
 * Per-user limits, keyed by the token's subject (`sub`, never the token): requests per
 * second with a burst above it, and NeonPanel requests in flight at once. Both are counted in
 * the shared store, so with Redis they hold across every task; while Redis is unreachable
 * each task counts in its own memory instead, so what needs no shared state keeps being served.
 *
 * This module is the one place a limit refusal or a store failure is decided: observers
 * (metrics, traces) hook `onRefusal` / `onStoreError`.
 */
import { BurstyRateLimiter, RateLimiterRes } from 'rate-limiter-flexible';
import { MemoryLeases } from './memory.js';
import { StoreUnavailableError, type Lease, type SharedStore } from './types.js';

export type LimitName = 'requests-per-second' | 'concurrent-upstream';

/** Over a user's limit: 429 with Retry-After, and a message a model can act on. */
export class RateLimitedError extends Error {
  constructor(readonly limit: LimitName, readonly retryAfterSeconds: number, max: number) {
    super(limit === 'requests-per-second'
      ? `Rate limit: at most ${max} MCP requests per second for this user. Wait ${retryAfterSeconds} s, then retry.`
      : `Rate limit: at most ${max} NeonPanel requests at once for this user. Wait for the others to finish (retry in ${retryAfterSeconds} s).`);
    this.name = 'RateLimitedError';
  }
}

/** The window the burst allowance refills over. */
export const BURST_WINDOW_S = 10;

export interface UserLimitsOptions {
  requestsPerSecond: number;
  /** Requests allowed above the steady rate per `BURST_WINDOW_S` (0: none). */
  burst?: number;
  concurrentUpstream: number;
  /**
   * How long an in-flight lease lives unless released (a task that died mid-request never
   * gives it back; it expires with this). Longer than any one NeonPanel request with retries.
   */
  inFlightLeaseMs?: number;
  onRefusal?: (limit: LimitName, subject: string) => void;
  onStoreError?: (error: StoreUnavailableError) => void;
}

export interface UserLimits {
  /** Counts `messages` requests for `subject` against the per-second limit; throws when over it. */
  admit(subject: string, messages: number): Promise<void>;
  /** Takes one in-flight NeonPanel request lease; the returned function gives it back. */
  acquireUpstream(subject: string): Promise<() => void>;
}

function retryAfter(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

export function createUserLimits(store: SharedStore, options: UserLimitsOptions): UserLimits {
  const steady = store.limiter('rl:rps:', options.requestsPerSecond, 1);
  const burst = options.burst ?? 0;
  // A token bucket in rate-limiter-flexible's terms: the steady limiter first, and a second
  // one holding the burst allowance, drawn on only once the steady one is spent.
  const perSecond = burst > 0 ? new BurstyRateLimiter(steady, store.limiter('rl:burst:', burst, BURST_WINDOW_S)) : steady;
  const leaseMs = options.inFlightLeaseMs ?? 300_000;
  // The in-flight leases of this task alone, used while the shared store cannot answer.
  const localLeases = new MemoryLeases();

  const refuse = (limit: LimitName, retryAfterMs: number, max: number, subject: string): never => {
    options.onRefusal?.(limit, subject);
    throw new RateLimitedError(limit, retryAfter(retryAfterMs), max);
  };

  return {
    async admit(subject, messages) {
      if (messages > options.requestsPerSecond + burst) refuse('requests-per-second', 1000, options.requestsPerSecond, subject);
      try {
        await perSecond.consume(subject, messages);
      } catch (error) {
        // A limiter rejects with `RateLimiterRes` when over the limit; the Redis one falls back
        // to its in-memory insurance by itself when the store fails, so anything else is a bug
        // of the store client, reported as an outage rather than hidden.
        if (error instanceof RateLimiterRes) refuse('requests-per-second', error.msBeforeNext, options.requestsPerSecond, subject);
        const failure = new StoreUnavailableError('limits.requests-per-second', error);
        options.onStoreError?.(failure);
        throw failure;
      }
    },
    async acquireUpstream(subject) {
      let lease: Lease | { retryAfterMs: number };
      try {
        lease = await store.leases.acquire(subject, options.concurrentUpstream, leaseMs);
      } catch (error) {
        if (!(error instanceof StoreUnavailableError)) throw error;
        options.onStoreError?.(error);
        lease = await localLeases.acquire(subject, options.concurrentUpstream, leaseMs);
      }
      if (!('release' in lease)) return refuse('concurrent-upstream', Math.min(lease.retryAfterMs, 1_000), options.concurrentUpstream, subject);
      return () => lease.release();
    },
  };
}
