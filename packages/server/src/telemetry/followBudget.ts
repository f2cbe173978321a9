/**
 * How many client-sampled traces a process follows per second: a token bucket holding one
 * second's worth. Written here rather than taken from rate-limiter-flexible because the
 * decision is synchronous, per request, on the hot path, and its memory limiter answers
 * through a promise; this is one number and a timestamp.
 */
export interface FollowBudget {
  /** True, and one follow spent, when the budget allows one now. */
  take(): boolean;
}

export function createFollowBudget(perSecond: number, now: () => number = () => performance.now()): FollowBudget {
  let tokens = perSecond;
  let refilledAt = now();
  return {
    take() {
      if (perSecond <= 0) return false;
      const t = now();
      tokens = Math.min(perSecond, tokens + ((t - refilledAt) / 1000) * perSecond);
      refilledAt = t;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}
