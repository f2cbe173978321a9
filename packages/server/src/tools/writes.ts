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

/**
 * Runs `create` once per (user, key). A failure NeonPanel answered (4xx/5xx) created
 * nothing, so the key is freed for a corrected retry; a timeout or lost connection is
 * ambiguous, so the key stays bound to a result that says so.
 */
export async function once(
  ctx: ToolContext,
  key: string,
  payload: unknown,
  create: () => Promise<CallToolResult>,
  checkHint: string,
): Promise<CallToolResult> {
  const fingerprint = createHash('sha256').update(JSON.stringify(payload)).digest('base64url');
  const cacheKey = `${ctx.subject}\0${key}`;
  const existing = ctx.services.idempotency.get(cacheKey);
  if (existing) {
    if (existing.fingerprint !== fingerprint) {
      return errorResult('This idempotency_key was already used for a different request. Use a new key for a new one.');
    }
    return existing.result;
  }
  const result = create().catch((error: unknown) => {
    const mayHaveArrived = error instanceof NeonPanelError && (error.failure === 'timeout' || error.failure === 'network');
    if (!mayHaveArrived) {
      ctx.services.idempotency.delete(cacheKey);
      throw error;
    }
    return errorResult(`The request may or may not have reached NeonPanel (the connection failed). ${checkHint} before trying again with a new key.`);
  });
  ctx.services.idempotency.set(cacheKey, { fingerprint, result });
  return result;
}
