/**
 * Per-user limits, keyed by the token's subject (`sub`, never the token): requests per
 * second, and NeonPanel calls in flight at once. rate-limiter-flexible counts them in the
 * shared store, so with Redis they hold across every task.
 *
 * This module is the one place a limit refusal or a store failure is decided: observers
 * (metrics, traces) hook `onRefusal` / `onStoreError`.
 */
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { StoreUnavailableError, type SharedStore } from './types.js';

export type LimitName = 'requests-per-second' | 'concurrent-upstream';

/** Over a user's limit: 429 with Retry-After, and a message a model can act on. */
export class RateLimitedError extends Error {
  constructor(readonly limit: LimitName, readonly retryAfterSeconds: number, max: number) {
    super(limit === 'requests-per-second'
      ? `Rate limit: at most ${max} MCP requests per second for this user. Wait ${retryAfterSeconds} s, then retry.`
      : `Rate limit: at most ${max} NeonPanel calls at once for this user. Wait for the others to finish (retry in ${retryAfterSeconds} s).`);
    this.name = 'RateLimitedError';
  }
}

export interface UserLimitsOptions {
  requestsPerSecond: number;
  concurrentUpstream: number;
  /**
   * How long an unreleased in-flight slot may live (a task that died mid-call never gives its
   * slots back; they expire with this window). Longer than any NeonPanel call with retries.
   */
  inFlightWindowS?: number;
  onRefusal?: (limit: LimitName, subject: string) => void;
  onStoreError?: (error: StoreUnavailableError) => void;
}

export interface UserLimits {
  /** Counts `messages` requests for `subject` against the per-second limit; throws when over it. */
  admit(subject: string, messages: number): Promise<void>;
  /** Takes one in-flight NeonPanel slot; the returned function gives it back. */
  acquireUpstream(subject: string): Promise<() => void>;
}

function retryAfter(res: RateLimiterRes): number {
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
}

export function createUserLimits(store: SharedStore, options: UserLimitsOptions): UserLimits {
  const perSecond: RateLimiterAbstract = store.limiter('rl:rps:', options.requestsPerSecond, 1);
  const inFlight: RateLimiterAbstract = store.limiter('rl:upstream:', options.concurrentUpstream, options.inFlightWindowS ?? 300);

  /** A limiter rejects with `RateLimiterRes` when over the limit and with an Error when the store failed. */
  function decide(error: unknown, limit: LimitName, max: number, subject: string): never {
    if (error instanceof RateLimiterRes) {
      options.onRefusal?.(limit, subject);
      throw new RateLimitedError(limit, retryAfter(error), max);
    }
    const failure = new StoreUnavailableError(`limits.${limit}`, error);
    options.onStoreError?.(failure);
    throw failure;
  }

  return {
    async admit(subject, messages) {
      if (messages > options.requestsPerSecond) {
        options.onRefusal?.('requests-per-second', subject);
        throw new RateLimitedError('requests-per-second', 1, options.requestsPerSecond);
      }
      await perSecond.consume(subject, messages).catch((error: unknown) => decide(error, 'requests-per-second', options.requestsPerSecond, subject));
    },
    async acquireUpstream(subject) {
      await inFlight.consume(subject, 1).catch((error: unknown) => {
        // A refused consume still counted its point: give it back, or refusals would hold slots.
        if (error instanceof RateLimiterRes) inFlight.reward(subject, 1).catch(() => {});
        return decide(error, 'concurrent-upstream', options.concurrentUpstream, subject);
      });
      let released = false;
      return () => {
        if (released) return;
        released = true;
        // A failed give-back only leaves the slot taken until its window ends.
        inFlight.reward(subject, 1).catch(() => {});
      };
    },
  };
}
