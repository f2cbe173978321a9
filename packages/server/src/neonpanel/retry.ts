/**
 * When and how long to wait before repeating an upstream request. Only safe methods are ever
 * repeated: a POST that timed out may still have created the documents.
 */

export interface RetryPolicy {
  /** Extra attempts after the first, for safe methods. */
  retries: number;
  /** First backoff step. */
  baseDelayMs: number;
  /** Largest backoff step. */
  maxDelayMs: number;
  /** The longest `Retry-After` honoured; a longer one ends the call instead of stalling it. */
  maxRetryAfterMs: number;
  /** Source of jitter, in [0, 1). */
  random: () => number;
}

export const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Statuses that say "try later" rather than "this request is wrong". */
export const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);

export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method.toUpperCase());
}

/**
 * Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff and
 * Jitter"): spreads retries from many callers instead of synchronising them.
 * `attempt` is 1 for the first retry.
 */
export function backoffDelayMs(policy: RetryPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(policy.random() * ceiling);
}

/**
 * The wait before the next attempt, or `undefined` to stop: a `Retry-After` beyond the cap
 * means the upstream will not be back within this call.
 */
export function nextDelayMs(policy: RetryPolicy, attempt: number, retryAfterSeconds: number | undefined): number | undefined {
  const backoff = backoffDelayMs(policy, attempt);
  if (retryAfterSeconds === undefined) return backoff;
  const asked = retryAfterSeconds * 1000;
  if (asked > policy.maxRetryAfterMs) return undefined;
  return Math.max(asked, backoff);
}

/** Resolves after `ms`, or rejects with the reason of the first signal that aborts. */
export function sleep(ms: number, ...signals: Array<AbortSignal | undefined>): Promise<void> {
  const live = signals.filter((s): s is AbortSignal => s !== undefined);
  const aborted = live.find((s) => s.aborted);
  if (aborted) return Promise.reject(aborted.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const detach = () => live.forEach((s) => s.removeEventListener('abort', onAbort));
    const timer = setTimeout(() => {
      detach();
      resolve();
    }, ms);
    function onAbort(event: Event) {
      clearTimeout(timer);
      detach();
      reject((event.target as AbortSignal).reason);
    }
    live.forEach((s) => s.addEventListener('abort', onAbort, { once: true }));
  });
}
