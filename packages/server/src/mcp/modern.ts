/**
 * POST `/mcp` for the 2026-07-28 revision: stateless, one request per POST, no session.
 * The answer is one JSON body, unless the request asked for notifications (a `progressToken`
 * or a log level in `_meta`) and accepts SSE, and one arrives before the result: then the
 * answer becomes that request's own SSE stream. Closing it cancels the request.
 */
import type { ServerResponse } from 'node:http';
import type { InboundModernRoute } from '@modelcontextprotocol/server';
import type { JSONRPCMessage, JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import { SseStream, writeSseHeaders } from './sse.js';
import type { ResponseSink } from './dispatcher.js';
import { admit } from './admission.js';
import { throttleInAnswers } from './limitErrors.js';
import { errorMessage, idOf, sendJson } from './jsonrpc.js';
import { modernErrorStatus, type Refusal } from './eras.js';
import {
  missingScope,
  principalFrom,
  requestIdOf,
  scopeRefusal,
  sendInsufficientScope,
  sendUpstreamUnauthorized,
  upstreamUnauthorized,
  type McpRequest,
  type McpRuntime,
} from './runtime.js';
import { traceContextOf } from '../telemetry/httpRequests.js';

const LOG_LEVEL_KEY = 'io.modelcontextprotocol/logLevel';

export function sendRefusal(res: ServerResponse, refusal: Refusal, body: unknown): void {
  sendJson(res, refusal.status, errorMessage(refusal.code, refusal.message, idOf(body), refusal.data));
}

/** True when the request asked for request-scoped notifications. */
export function asksForNotifications(request: JSONRPCRequest): boolean {
  const meta = (request.params as { _meta?: Record<string, unknown> } | undefined)?._meta;
  return meta !== undefined && (meta['progressToken'] !== undefined || meta[LOG_LEVEL_KEY] !== undefined);
}

function acceptsEventStream(req: McpRequest): boolean {
  const accept = req.headers.accept;
  return accept !== undefined && (accept.includes('text/event-stream') || accept.includes('*/*'));
}

export async function modernPost(rt: McpRuntime, req: McpRequest, res: ServerResponse, route: InboundModernRoute): Promise<void> {
  // This revision defines no client notifications over HTTP (cancellation is closing the stream).
  if (route.messageKind === 'notification') {
    res.writeHead(202).end();
    return;
  }
  const request = route.message as unknown as JSONRPCRequest;
  const { auth } = principalFrom(req);
  const scope = missingScope([{ kind: 'request', message: request }], rt.registry, auth);
  if (scope !== undefined) {
    sendInsufficientScope(res, scope, rt.challenge);
    return;
  }

  if (!(await admit(rt.limits, res, principalFrom(req).principal.subject, 1, { isBatch: false, revision: undefined, maxBatch: 1, id: idOf(request) }))) return;

  const streamAllowed = acceptsEventStream(req) && asksForNotifications(request);
  let beforeHandler = true;
  let finished = false;
  let stream: SseStream | undefined;

  const openStream = (): SseStream => {
    writeSseHeaders(res);
    const opened = new SseStream(res, undefined);
    rt.streams.add(opened);
    return opened;
  };

  const sink: ResponseSink = {
    related(message: JSONRPCMessage) {
      if (!streamAllowed || finished || res.destroyed) return;
      stream ??= openStream();
      stream.send(message);
    },
    response(message: JSONRPCMessage) {
      finished = true;
      if (stream) {
        stream.send(message);
        stream.close();
        return;
      }
      if (res.headersSent || res.destroyed) return;
      const error = (message as { error?: { code: number } }).error;
      if (error === undefined) return sendJson(res, 200, message);
      if (upstreamUnauthorized([message]) !== undefined) return sendUpstreamUnauthorized(res, rt.challenge);
      const refused = scopeRefusal([message]);
      if (refused !== undefined) return sendInsufficientScope(res, refused, rt.challenge);
      const throttled = throttleInAnswers([message]);
      if (throttled) {
        res.setHeader('Retry-After', String(throttled.retryAfterSeconds));
        return sendJson(res, throttled.status, message);
      }
      sendJson(res, modernErrorStatus(error.code, beforeHandler), message);
    },
  };

  const id = rt.modernDispatcher.request(request, sink, { session: undefined, requestId: requestIdOf(req), trace: traceContextOf(req) }, { authInfo: auth });
  // The SDK answers its pre-handler checks synchronously inside `request`; handlers run later.
  beforeHandler = false;
  if (!finished) {
    res.once('close', () => {
      if (!finished) rt.modernDispatcher.cancel(id, 'The client closed the connection.');
    });
  }
}
