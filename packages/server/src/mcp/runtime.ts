/**
 * What the MCP transports share: the one Server's dispatcher, the session store, the open
 * streams, the registry, and the helpers every transport uses on a POSTed message.
 */
import type { ServerResponse } from 'node:http';
import express from 'express';
import { randomUUID } from 'node:crypto';
import type { JSONRPCMessage, JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { AuthInfo } from '../auth/types.js';
import { principalOf, type Principal } from '../auth/types.js';
import { InsufficientScopeError, InvalidTokenError } from '../auth/errors.js';
import { sendAuthError, type AuthenticatedRequest, type ChallengeContext } from '../auth/middleware.js';
import type { ToolRegistry } from '../tools/types.js';
import type { UserLimits } from '../store/limits.js';
import type { SessionRelay } from '../store/types.js';
import type { Dispatcher } from './dispatcher.js';
import type { SessionStore } from '../store/sessions.js';
import { SessionLimitError } from '../store/sessions.js';
import type { StreamRegistry } from './sse.js';
import { classifyBody, idOf, INVALID_REQUEST, PARSE_ERROR, SESSION_ERROR, sendJsonRpcError, type Classified, type RequestId } from './jsonrpc.js';
import { INSUFFICIENT_SCOPE, UPSTREAM_UNAUTHORIZED } from './server.js';

export interface McpRuntime {
  config: Config;
  logger: Logger;
  registry: ToolRegistry;
  /** Feeds the legacy-era (2025-11-25 and older) SDK 1.x Server. */
  dispatcher: Dispatcher;
  /** Feeds the modern-era (2026-07-28) SDK v2 Server. */
  modernDispatcher: Dispatcher;
  sessions: SessionStore;
  streams: StreamRegistry;
  challenge: ChallengeContext;
  /** Per-user limits (requests per second; NeonPanel calls in flight), store-backed. */
  limits: UserLimits;
  /** Delivers answers to the task that holds a session's stream. */
  relay: SessionRelay;
  /** False once shutdown began: no new sessions or streams. */
  accepting: boolean;
}

/** A request on `/mcp` or `/messages`: authenticated, and its body once `bodyReader` has read it. */
export type McpRequest = AuthenticatedRequest & { body?: unknown };

const REQUEST_ID = /^[\w\-.:]{1,128}$/;

/** The caller's request id if it is a sane token (the ALB and clients send one), else a new one. */
export function requestIdOf(req: McpRequest): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

export function principalFrom(req: McpRequest): { auth: AuthInfo; principal: Principal } {
  const auth = req.auth as AuthInfo; // set by requireBearer, which always runs first
  return { auth, principal: principalOf(auth) };
}

export function isJsonContentType(req: McpRequest): boolean {
  const type = req.headers['content-type'];
  return typeof type === 'string' && /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type);
}

/**
 * Reads and classifies a POSTed JSON-RPC body, answering the client itself when it is bad.
 * Express's body-parser (`express.json`) used as a library: it runs on plain node requests.
 */
export function bodyReader(limit: string) {
  const parse = express.json({ limit, type: () => true, strict: false });
  return (req: McpRequest, res: ServerResponse): Promise<Classified[] | undefined> =>
    new Promise((resolve) => {
      const wrongType = !isJsonContentType(req);
      parse(req, res, (error?: unknown) => {
        // A wrong Content-Type is refused once the body is read, so the answer can carry its id.
        if (wrongType) {
          sendJsonRpcError(res, 415, INVALID_REQUEST, 'Content-Type must be application/json.', undefined, error ? undefined : idOf(req.body));
          resolve(undefined);
          return;
        }
        if (error) {
          const tooLarge = (error as { type?: string }).type === 'entity.too.large';
          sendJsonRpcError(res, tooLarge ? 413 : 400, PARSE_ERROR, tooLarge ? 'The request body is too large.' : 'Parse error: the body is not valid JSON.');
          resolve(undefined);
          return;
        }
        const messages = req.body === undefined ? undefined : classifyBody(req.body);
        if (!messages) {
          sendJsonRpcError(res, 400, INVALID_REQUEST, 'Invalid Request: the body must be a JSON-RPC 2.0 message.', undefined, idOf(req.body));
          resolve(undefined);
          return;
        }
        resolve(messages);
      });
    });
}

/** The scope a `tools/call` in this batch needs and the token lacks, checked before anything runs. */
export function missingScope(messages: readonly Classified[], registry: ToolRegistry, auth: AuthInfo): string | undefined {
  for (const c of messages) {
    if (c.kind !== 'request' || c.message.method !== 'tools/call') continue;
    const name = (c.message.params as { name?: unknown } | undefined)?.name;
    const scope = typeof name === 'string' ? registry.get(name)?.scope : undefined;
    if (scope !== undefined && !auth.scopes.includes(scope)) return scope;
  }
  return undefined;
}

export function sendInsufficientScope(res: ServerResponse, scope: string, challenge: ChallengeContext): void {
  sendAuthError(res, new InsufficientScopeError([scope]), challenge);
}

/** Maps a session-limit failure to an HTTP answer the client can act on. */
export function sendSessionLimit(res: ServerResponse, error: SessionLimitError, id?: RequestId): void {
  if (error.limit === 'per-subject') sendJsonRpcError(res, 429, SESSION_ERROR, error.message, { 'Retry-After': '30' }, id);
  else sendJsonRpcError(res, 503, SESSION_ERROR, error.message, { 'Retry-After': '30' }, id);
}

/** True when a JSON answer should become a 401 so the client re-links the account. */
export function upstreamUnauthorized(responses: readonly JSONRPCMessage[]): string | undefined {
  for (const r of responses) {
    const error = (r as { error?: { code?: number; message?: string } }).error;
    if (error?.code === UPSTREAM_UNAUTHORIZED) return error.message;
  }
  return undefined;
}

/** The scope a tool refused for at run time (it depends on the arguments, e.g. `fetch`). */
export function scopeRefusal(responses: readonly JSONRPCMessage[]): string | undefined {
  for (const r of responses) {
    const error = (r as { error?: { code?: number; data?: { scope?: unknown } } }).error;
    if (error?.code === INSUFFICIENT_SCOPE && typeof error.data?.scope === 'string') return error.data.scope;
  }
  return undefined;
}

export function sendUpstreamUnauthorized(res: ServerResponse, challenge: ChallengeContext): void {
  sendAuthError(res, new InvalidTokenError('NeonPanel rejected the access token. Sign in again.', 'upstream_rejected'), challenge);
}

export function hasProgressToken(request: JSONRPCRequest): boolean {
  const meta = (request.params as { _meta?: { progressToken?: unknown } } | undefined)?._meta;
  return meta?.progressToken !== undefined;
}
