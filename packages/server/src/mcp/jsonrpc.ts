/**
 * JSON-RPC framing at the HTTP edge: the cheap structural checks done before a message
 * reaches the SDK (which validates params fully), and error answers.
 */
import type { ServerResponse } from 'node:http';
import { sendJson } from '../nodeHttp.js';
import type { JSONRPCMessage, JSONRPCNotification, JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';

export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
/** Server-defined: the session does not exist, is another user's, or is over a limit. */
export const SESSION_ERROR = -32000;

export { sendJson };

/** A JSON-RPC id as the MCP schema allows it: a string or an integer. */
export type RequestId = string | number;

/**
 * The id of the request in `body`, when one can be read: a single message whose `id` is a
 * string or an integer. Undefined for a batch, a notification or an unreadable body; the
 * answer then carries no id at all (the MCP schema allows that), never `null`.
 */
export function idOf(body: unknown): RequestId | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const id = (body as { id?: unknown }).id;
  return typeof id === 'string' || (typeof id === 'number' && Number.isInteger(id)) ? id : undefined;
}

/** A JSON-RPC error answer; it carries `id` when the refused request's id is known. */
export function errorMessage(code: number, message: string, id: RequestId | undefined, data?: unknown): Record<string, unknown> {
  return { jsonrpc: '2.0', ...(id === undefined ? {} : { id }), error: { code, message, ...(data === undefined ? {} : { data }) } };
}

export function sendJsonRpcError(res: ServerResponse, status: number, code: number, message: string, headers?: Readonly<Record<string, string>>, id?: RequestId): void {
  sendJson(res, status, errorMessage(code, message, id), headers);
}

export type Classified =
  | { kind: 'request'; message: JSONRPCRequest }
  | { kind: 'notification'; message: JSONRPCNotification }
  | { kind: 'response'; message: JSONRPCMessage };

const isId = (v: unknown): boolean => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * MCP's shape of `params` (an object, whose `_meta` is an object, whose `progressToken` is a
 * string or number), checked here because the SDK's transport hook is not on our path
 * (`ProcessWideServer.handleRequest`), and when it was, it dropped such a message unanswered.
 */
function hasMcpParams(m: Record<string, unknown>): boolean {
  const params = m['params'];
  if (params === undefined) return true;
  if (!isPlainObject(params)) return false;
  const meta = params['_meta'];
  if (meta === undefined) return true;
  if (!isPlainObject(meta)) return false;
  const token = meta['progressToken'];
  return token === undefined || typeof token === 'string' || (typeof token === 'number' && Number.isFinite(token));
}

/** Hand-written rather than the SDK's zod schemas: this runs on every message, on the hot path. */
export function classify(value: unknown): Classified | undefined {
  const m = value;
  if (!isPlainObject(m)) return undefined;
  if (m['jsonrpc'] !== '2.0') return undefined;
  if (typeof m['method'] === 'string') {
    if (!hasMcpParams(m)) return undefined;
    if ('id' in m) return isId(m['id']) ? { kind: 'request', message: m as unknown as JSONRPCRequest } : undefined;
    return { kind: 'notification', message: m as unknown as JSONRPCNotification };
  }
  if (isId(m['id']) && ('result' in m || 'error' in m)) return { kind: 'response', message: m as unknown as JSONRPCMessage };
  return undefined;
}

/** Accepts one message or (2025-03-26) a batch; undefined when any part is not JSON-RPC. */
export function classifyBody(body: unknown): Classified[] | undefined {
  const items = Array.isArray(body) ? body : [body];
  if (items.length === 0) return undefined;
  const out: Classified[] = [];
  for (const item of items) {
    const c = classify(item);
    if (!c) return undefined;
    out.push(c);
  }
  return out;
}
