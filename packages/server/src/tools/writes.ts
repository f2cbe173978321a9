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

/**
 * Runs `create` once per (user, key), whichever task the calls reach: the key is claimed in
 * the shared store (SET NX under Redis) before NeonPanel is called, and the result is kept
 * there for 24 h. A duplicate in this process shares the first call's promise; one on another
 * task polls the store for the outcome, and reports "still running" rather than repeat it.
 * A failure NeonPanel answered (4xx/5xx) created nothing, so the key is freed for a corrected
 * retry; a timeout or lost connection is ambiguous, so the key stays bound to a result that
 * says so. If the store is unreachable before the call, nothing is created and the request
 * gets 503 (StoreUnavailableError).
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
  const { idempotency, idempotencyTtlMs: ttl } = ctx.services;
  const existing = await idempotency.claim(recordKey, fingerprint, ttl);
  if (existing) {
    if (existing.fingerprint !== fingerprint) return errorResult(REUSED_KEY);
    if (existing.state === 'done') return existing.result;
    return waitForFirstCall(ctx, recordKey, fingerprint);
  }
  let result: CallToolResult;
  try {
    result = await create();
  } catch (error) {
    const mayHaveArrived = error instanceof NeonPanelError && (error.failure === 'timeout' || error.failure === 'network');
    if (!mayHaveArrived) {
      await idempotency.release(recordKey).catch(() => {}); // left pending, a retry reports "unknown" rather than repeat
      throw error;
    }
    result = errorResult(`The request may or may not have reached NeonPanel (the connection failed). ${checkHint} before trying again with a new key.`);
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

async function waitForFirstCall(ctx: ToolContext, recordKey: string, fingerprint: string): Promise<CallToolResult> {
  const deadline = Date.now() + WAIT_FOR_FIRST_CALL_MS;
  while (Date.now() < deadline && !ctx.signal.aborted) {
    await sleep(POLL_MS);
    const record = await ctx.services.idempotency.get(recordKey);
    if (!record) break; // the first call failed and freed the key
    if (record.fingerprint !== fingerprint) return errorResult(REUSED_KEY);
    if (record.state === 'done') return record.result;
  }
  return errorResult('A call with this idempotency_key is still running (or its outcome is not known yet). Retry with the same key in a few seconds; it will not be carried out twice.');
}
