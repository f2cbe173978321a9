/**
 * What every write tool shares: an idempotency key (NeonPanel's API has none, so this server
 * keeps one), annotations that say honestly what a write does, and the idempotent run.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ToolContext } from './types.js';
import { errorResult } from './result.js';
import { NeonPanelError } from '../neonpanel/errors.js';
import { RateLimitedError } from '../store/limits.js';
import { StoreUnavailableError } from '../store/types.js';
import { ToolInputError } from './errors.js';

export const idempotencyKeyArg = z
  .string()
  .regex(/^[\w.:-]{8,128}$/, 'use 8 to 128 letters, digits, _ . : or -')
  .describe('A unique key for this request (e.g. a UUID). Retrying with the same key never creates twice: it returns the first result.');

/** Creates: each new key makes a new record, so not idempotent by themselves; nothing is overwritten. */
export const CREATE_ANNOTATIONS = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true } as const;
/** Updates overwrite fields (and whole line lists), but sending the same update twice changes nothing more. */
export const UPDATE_ANNOTATIONS = { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true } as const;
/** Deletes remove data; deleting again finds nothing more to remove. */
export const DELETE_ANNOTATIONS = { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true } as const;

/** How long a retry waits for a first call still running (maybe on another task) before reporting that. */
const WAIT_FOR_FIRST_CALL_MS = 20_000;
const POLL_MS = 100;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const REUSED_KEY = 'This idempotency_key was already used for a different request. Use a new key for a new one.';

/** What a retry is told when nobody can know whether the first call reached NeonPanel. */
export function outcomeUnknown(checkHint: string): string {
  return `Outcome unknown: the first request with this idempotency_key may or may not have reached NeonPanel. ${checkHint} to check, and if it is not there, use a new idempotency_key.`;
}

/**
 * True only when the failed call certainly never reached NeonPanel, or NeonPanel refused it
 * for good (a definite 4xx): then nothing was created and the key may be used again. A
 * cancel, a timeout, a 5xx or a network failure leave the outcome unknown.
 */
export function certainlyNotCreated(error: unknown, cancelled: boolean): boolean {
  if (cancelled) return false;
  if (error instanceof NeonPanelError) {
    if (error.failure === 'no_token' || error.failure === 'token_exchange') return true;
    return error.failure === 'http' && error.status !== undefined && error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429;
  }
  // Refused by a limit or our own input checks before a request went out.
  return error instanceof RateLimitedError || error instanceof ToolInputError || error instanceof StoreUnavailableError;
}

/**
 * Runs `create` once per (user, key), whichever task the calls reach. The key is claimed in
 * the shared store before NeonPanel is called: the claim is a lease owned by this task, live
 * for the upstream timeout times the attempts. The result is kept there for 24 h.
 * - A duplicate in this process shares the first call's promise.
 * - One that meets a live lease (another task's call running) waits for its outcome, holding
 *   no in-flight place; one that meets an expired lease (its task died, or hung) is told the
 *   outcome is unknown and how to check: it never creates again.
 * - One that finds the record gone (expired, or released) claims again.
 * The key is released only when the call certainly created nothing; any other failure is
 * recorded as "outcome unknown". If the store is unreachable before the call, nothing is
 * created and the request gets 503 (StoreUnavailableError).
 */
export async function once(
  ctx: ToolContext,
  key: string,
  payload: unknown,
  create: () => Promise<CallToolResult>,
  checkHint: string,
): Promise<CallToolResult> {
  const fingerprint = createHash('sha256').update(JSON.stringify(payload)).digest('base64url');
  const recordKey = `${ctx.subject}\0${key}`;
  const local = ctx.services.writesInFlight.get(recordKey);
  if (local) return local.fingerprint === fingerprint ? local.result : errorResult(REUSED_KEY);
  const result = runOnce(ctx, recordKey, fingerprint, create, checkHint);
  ctx.services.writesInFlight.set(recordKey, { fingerprint, result });
  const forget = () => ctx.services.writesInFlight.delete(recordKey);
  result.then(forget, forget);
  return result;
}

async function runOnce(
  ctx: ToolContext,
  recordKey: string,
  fingerprint: string,
  create: () => Promise<CallToolResult>,
  checkHint: string,
): Promise<CallToolResult> {
  const { idempotency, idempotencyTtlMs: ttlMs, writeLeaseMs: leaseMs } = ctx.services;
  const deadline = Date.now() + WAIT_FOR_FIRST_CALL_MS;
  for (;;) {
    const existing = await idempotency.claim(recordKey, { fingerprint, leaseMs, ttlMs });
    if (!existing) break; // ours: go ahead
    if (existing.fingerprint !== fingerprint) return errorResult(REUSED_KEY);
    if (existing.state === 'done') return existing.result;
    if (existing.leaseUntil <= Date.now()) return errorResult(outcomeUnknown(checkHint));
    // A live lease: wait for its outcome (or its end), then look again.
    if (Date.now() >= deadline || ctx.signal.aborted) {
      return errorResult('A call with this idempotency_key is still running. Retry with the same key in a few seconds; it will not be carried out twice.');
    }
    await sleep(POLL_MS);
  }
  let result: CallToolResult;
  try {
    result = await create();
  } catch (error) {
    if (certainlyNotCreated(error, ctx.signal.aborted)) {
      await idempotency.release(recordKey).catch(() => {}); // left pending, its lease ends and a retry reports "unknown" rather than repeat
      throw error;
    }
    // The caller and every retry get the same answer: check before writing again.
    result = errorResult(outcomeUnknown(checkHint));
  }
  await recordOutcome(ctx, recordKey, fingerprint, result);
  return result;
}

/**
 * The outcome is kept even if the store hiccups now: the write already happened, so the answer
 * goes to the client either way, and the record is retried in the background. Until it lands
 * the key stays "pending", which a retry reports instead of repeating the write.
 */
async function recordOutcome(ctx: ToolContext, recordKey: string, fingerprint: string, result: CallToolResult): Promise<void> {
  const { idempotency, idempotencyTtlMs: ttl } = ctx.services;
  try {
    await idempotency.complete(recordKey, fingerprint, result, ttl);
  } catch {
    void (async () => {
      for (let attempt = 1; attempt <= 30; attempt++) {
        await sleep(Math.min(250 * attempt, 2_000));
        try {
          await idempotency.complete(recordKey, fingerprint, result, ttl);
          return;
        } catch {
          // still unavailable
        }
      }
    })();
  }
}
