/**
 * One user's bounded share of this task's NeonPanel connection pool: at most `max` of their
 * requests hold a socket at once; the rest wait their turn, in order, so one account's
 * fan-out cannot take every socket of the pool and starve the other users.
 *
 * Hand-written: a keyed FIFO semaphore with abortable waits is a dozen lines, and the
 * libraries for it (p-limit, async-sema) have no per-key form or no abort.
 */
export class UserShare {
  private readonly users = new Map<string, { running: number; waiting: Array<() => void> }>();

  constructor(private readonly max: number) {}

  async acquire(user: string, signal?: AbortSignal): Promise<() => void> {
    let state = this.users.get(user);
    if (!state) this.users.set(user, (state = { running: 0, waiting: [] }));
    const entry = state;
    if (entry.running >= this.max) {
      await new Promise<void>((resolve, reject) => {
        const go = (): void => {
          signal?.removeEventListener('abort', abort);
          resolve();
        };
        const abort = (): void => {
          const i = entry.waiting.indexOf(go);
          if (i >= 0) entry.waiting.splice(i, 1);
          reject(signal?.reason);
        };
        if (signal?.aborted) return abort();
        signal?.addEventListener('abort', abort, { once: true });
        entry.waiting.push(go);
      });
    } else {
      entry.running++;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = entry.waiting.shift();
      // The place passes straight to the next waiter; `running` stays as it is.
      if (next) return next();
      entry.running--;
      if (entry.running === 0) this.users.delete(user);
    };
  }

  /** Requests of `user` holding a place now (tests). */
  running(user: string): number {
    return this.users.get(user)?.running ?? 0;
  }
}
