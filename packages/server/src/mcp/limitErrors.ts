/**
 * Limit refusals and store outages as JSON-RPC errors and HTTP answers, the same for every
 * transport: 429 (over a user's limit) or 503 (shared store unreachable), both with
 * `Retry-After`, and a message a model can read.
 */
import type { ServerResponse } from 'node:http';
import { sendJson } from '../nodeHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { RateLimitedError } from '../store/limits.js';
import { StoreUnavailableError } from '../store/types.js';
import { errorMessage, type RequestId } from './jsonrpc.js';

/** Server-defined JSON-RPC codes (-32000…-32099). */
export const RATE_LIMITED = -32029;
export const TEMPORARILY_UNAVAILABLE = -32053;

export interface Throttle {
  status: 429 | 503;
  code: number;
  message: string;
  retryAfterSeconds: number;
}

/** The throttle an error stands for, or undefined for any other error. */
export function throttleOf(error: unknown): Throttle | undefined {
  if (error instanceof RateLimitedError) return { status: 429, code: RATE_LIMITED, message: error.message, retryAfterSeconds: error.retryAfterSeconds };
  if (error instanceof StoreUnavailableError) return { status: 503, code: TEMPORARILY_UNAVAILABLE, message: error.message, retryAfterSeconds: error.retryAfterSeconds };
  return undefined;
}

/** The `data` a throttled tool call's JSON-RPC error carries. */
export function throttleData(t: Throttle): { retryAfterSeconds: number } {
  return { retryAfterSeconds: t.retryAfterSeconds };
}

/** The HTTP status and Retry-After for answers that carry a throttled call, if any does. */
export function throttleInAnswers(responses: readonly JSONRPCMessage[]): { status: number; retryAfterSeconds: number } | undefined {
  for (const r of responses) {
    const error = (r as { error?: { code?: number; data?: { retryAfterSeconds?: unknown } } }).error;
    if (error?.code !== RATE_LIMITED && error?.code !== TEMPORARILY_UNAVAILABLE) continue;
    const after = typeof error.data?.retryAfterSeconds === 'number' ? error.data.retryAfterSeconds : 1;
    return { status: error.code === RATE_LIMITED ? 429 : 503, retryAfterSeconds: after };
  }
  return undefined;
}

/** A refused request's answer: it carries the request's id when known (never `null`). */
export function sendThrottle(res: ServerResponse, t: Throttle, id?: RequestId): void {
  sendJson(res, t.status, errorMessage(t.code, t.message, id, throttleData(t)), { 'Retry-After': String(t.retryAfterSeconds) });
}
