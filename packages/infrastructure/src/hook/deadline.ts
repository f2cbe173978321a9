/**
 * A time limit on a piece of work, for the Lambda entries (release hook and canary): each keeps
 * back part of its own deadline so that it can still report when the matrix runs long.
 */
export class DeadlineExceeded extends Error {}

/** Settles with `work`, or rejects with `DeadlineExceeded` after `ms`; no limit when `ms` is undefined. */
export async function withDeadline<T>(work: Promise<T>, ms: number | undefined): Promise<T> {
  if (ms === undefined) return work;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded()), Math.max(0, ms));
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** The part of the Lambda context the handlers use. */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}
