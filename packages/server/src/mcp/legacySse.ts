/**
 * Legacy HTTP+SSE transport (protocol 2024-11-05): GET `/sse` opens the session's stream,
 * whose first event names the endpoint for POST `/messages?sessionId=…`; answers travel
 * down the stream. Every failure is answered before the stream starts.
 */
import type { Request, RequestHandler, Response } from 'express';
import type { JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import { SessionLimitError } from '../store/sessions.js';
import { SseStream, writeSseHeaders } from './sse.js';
import { SessionStreamSink } from './sinks.js';
import { admit, admitRequests } from './admission.js';
import { idOf, SESSION_ERROR, sendJsonRpcError } from './jsonrpc.js';
import {
  bodyReader,
  missingScope,
  principalFrom,
  requestIdOf,
  sendInsufficientScope,
  sendSessionLimit,
  type McpRuntime,
} from './runtime.js';
import { traceContextOf } from '../telemetry/httpRequests.js';

export const MESSAGES_PATH = '/messages';

export function legacySseHandlers(rt: McpRuntime): { stream: RequestHandler; messages: RequestHandler } {
  const readBody = bodyReader(rt.config.bodyLimit);

  async function openStream(req: Request, res: Response): Promise<void> {
    if (!rt.accepting) {
      sendJsonRpcError(res, 503, SESSION_ERROR, 'The server is shutting down. Retry shortly.', { 'Retry-After': '5' });
      return;
    }
    const { principal } = principalFrom(req);
    // Opening a stream (and its session) counts against the user's rate limit like any request.
    if (!(await admitRequests(rt.limits, res, principal.subject, 1))) return;
    let session;
    try {
      session = await rt.sessions.create(principal, 'sse');
    } catch (error) {
      if (error instanceof SessionLimitError) return sendSessionLimit(res, error);
      throw error;
    }
    const sessionId = session.id;
    // Answers to POST /messages that reach another task come back through the relay (pub/sub).
    let unlisten: () => void;
    try {
      unlisten = await rt.relay.listen(sessionId, (message) => rt.streams.sendToSession(sessionId, message));
    } catch (error) {
      void rt.sessions.delete(sessionId).catch(() => {});
      throw error;
    }
    writeSseHeaders(res);
    const stream = new SseStream(res, session.id, true);
    rt.streams.add(stream);
    // The stream is the session: when it ends, so does the session.
    stream.onClose(() => {
      unlisten();
      rt.sessions.delete(sessionId).catch((err: unknown) => rt.logger.warn({ err }, 'session record not deleted; it will expire'));
    });
    stream.event('endpoint', `${MESSAGES_PATH}?sessionId=${encodeURIComponent(sessionId)}`);
  }

  async function postMessage(req: Request, res: Response): Promise<void> {
    const sessionId = req.query['sessionId'];
    if (typeof sessionId !== 'string' || sessionId === '') {
      sendJsonRpcError(res, 400, SESSION_ERROR, 'Bad Request: the sessionId query parameter is required.');
      return;
    }
    // The body first, so that a refusal below carries the request's id.
    const messages = await readBody(req, res);
    if (!messages) return;
    const rpcId = idOf(req.body);
    const { auth, principal } = principalFrom(req);
    const session = await rt.sessions.getOwned(sessionId, principal);
    // The stream may be held by this task or by another one (then its answers go through the relay).
    const here = rt.streams.hasStream(sessionId, (s) => s.standalone && !s.closed);
    if (!session || (!here && !(await rt.relay.hasListener(sessionId)))) {
      sendJsonRpcError(res, 404, SESSION_ERROR, 'Session not found. Open a new stream with GET /sse.', undefined, rpcId);
      return;
    }
    rt.sessions.touch(session);
    const scope = missingScope(messages, rt.registry, auth);
    if (scope !== undefined) {
      sendInsufficientScope(res, scope, rt.challenge);
      return;
    }
    const admitted = await admit(rt.limits, res, principal.subject, messages.length, {
      isBatch: Array.isArray(req.body),
      revision: session.protocolVersion,
      maxBatch: rt.config.limits.maxBatch,
      id: rpcId,
    });
    if (!admitted) return;
    const meta = { session, requestId: requestIdOf(req), trace: traceContextOf(req) };
    const extra = { authInfo: auth, requestInfo: { headers: { ...req.headers, 'mcp-session-id': sessionId } } };
    const sink = new SessionStreamSink(here
      ? (message) => rt.streams.sendToSession(sessionId, message)
      : (message) => {
          rt.relay.publish(sessionId, message).catch((err: unknown) => rt.logger.warn({ err }, 'answer not relayed to the task holding the stream'));
        });
    for (const m of messages) {
      if (m.kind === 'request') rt.dispatcher.request(m.message as JSONRPCRequest, sink, meta, extra);
      else if (m.kind === 'notification') rt.dispatcher.notify(m.message, session, extra);
    }
    res.status(202).type('text/plain').send('Accepted');
  }

  return {
    stream: (req, res, next) => void openStream(req, res).catch(next),
    messages: (req, res, next) => void postMessage(req, res).catch(next),
  };
}
