/**
 * Bounded fan-out: what one HTTP request may ask for before anything runs. A JSON-RPC batch
 * is refused from protocol 2025-06-18 on (batching was removed then) and capped for older
 * revisions; every message then counts against the user's requests-per-second limit.
 */
import type { ServerResponse } from 'node:http';
import type { UserLimits } from '../store/limits.js';
import { INVALID_REQUEST, sendJsonRpcError, type RequestId } from './jsonrpc.js';
import { sendThrottle, throttleOf } from './limitErrors.js';

/** The first revision without JSON-RPC batching (2025-06-18 basic/transports changelog). */
export const FIRST_REVISION_WITHOUT_BATCHES = '2025-06-18';
/** A request without MCP-Protocol-Version is taken to be 2025-03-26 (the spec's rule for servers). */
export const ASSUMED_REVISION = '2025-03-26';

/** Why a batch of `size` messages under `revision` is refused, or undefined when it may run. */
export function batchRefusal(revision: string | undefined, size: number, maxBatch: number): string | undefined {
  const version = revision ?? ASSUMED_REVISION;
  // Revisions are ISO dates, so they compare as strings.
  if (version >= FIRST_REVISION_WITHOUT_BATCHES) {
    return `Invalid Request: JSON-RPC batches are not part of MCP ${version.slice(0, 40)} (removed in ${FIRST_REVISION_WITHOUT_BATCHES}). Send one message per HTTP request.`;
  }
  if (size > maxBatch) return `Invalid Request: a batch may hold at most ${maxBatch} messages; this one has ${size}. Split it.`;
  return undefined;
}

/**
 * Checks the batch rules and counts `messages` against the user's per-second limit.
 * Answers the client itself (400, 429 or 503 with Retry-After) and returns false when refused.
 */
export async function admit(
  limits: UserLimits,
  res: ServerResponse,
  subject: string,
  messages: number,
  batch: { isBatch: boolean; revision: string | undefined; maxBatch: number; id?: RequestId | undefined },
): Promise<boolean> {
  if (batch.isBatch) {
    const refusal = batchRefusal(batch.revision, messages, batch.maxBatch);
    if (refusal !== undefined) {
      sendJsonRpcError(res, 400, INVALID_REQUEST, refusal);
      return false;
    }
  }
  return admitRequests(limits, res, subject, messages, batch.id);
}

/**
 * Counts `messages` against the user's per-second limit; answers 429/503 with Retry-After
 * (carrying the request's id when known) and returns false when refused. Routes that open a
 * stream or end a session count as one request each.
 */
export async function admitRequests(limits: UserLimits, res: ServerResponse, subject: string, messages: number, id?: RequestId): Promise<boolean> {
  try {
    await limits.admit(subject, messages);
    return true;
  } catch (error) {
    const throttle = throttleOf(error);
    if (!throttle) throw error;
    sendThrottle(res, throttle, id);
    return false;
  }
}

/**
 * The per-second count started before the session is read, so that both store round trips of
 * a stateful call go out together (one pipelined round trip instead of two in a row). Never
 * rejects: it settles to the refusal, if any, which `refuseIfThrottled` answers.
 */
export function startCounting(limits: UserLimits, subject: string, messages: number): Promise<unknown> {
  return limits.admit(subject, messages).then(() => undefined, (error: unknown) => error ?? new Error('refused'));
}

/** Answers a refusal `startCounting` settled to (429/503 with Retry-After and the request's id); false when refused. */
export async function refuseIfThrottled(res: ServerResponse, counting: Promise<unknown>, id?: RequestId): Promise<boolean> {
  const error = await counting;
  if (error === undefined) return true;
  const throttle = throttleOf(error);
  if (!throttle) throw error;
  sendThrottle(res, throttle, id);
  return false;
}
