/**
 * One attempt's abort signal: fires after `timeoutMs` or when any caller signal aborts.
 *
 * Deliberately not `AbortSignal.any` / `AbortSignal.timeout`: on Node 20 a composite signal is
 * only weakly referenced by its sources, and fetch follows it weakly too, so it can be garbage
 * collected mid-request and never fire; the request then hangs past its timeout. Here the
 * timer and the listeners hold the controller strongly until `dispose()`.
 */
export interface Deadline {
  signal: AbortSignal;
  /** True when the timeout, not a caller, aborted the signal. */
  timedOut(): boolean;
  /** Clears the timer and detaches from the caller signals. */
  dispose(): void;
}

export function deadline(timeoutMs: number, ...callerSignals: Array<AbortSignal | undefined>): Deadline {
  const controller = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(new DOMException('The operation timed out.', 'TimeoutError'));
  }, timeoutMs);
  const sources = callerSignals.filter((s): s is AbortSignal => s !== undefined);
  const onAbort = (event: Event) => controller.abort((event.target as AbortSignal).reason);
  for (const source of sources) {
    if (source.aborted) controller.abort(source.reason);
    else source.addEventListener('abort', onAbort, { once: true });
  }
  return {
    signal: controller.signal,
    timedOut: () => expired,
    dispose() {
      clearTimeout(timer);
      for (const source of sources) source.removeEventListener('abort', onAbort);
    },
  };
}
