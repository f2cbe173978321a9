/**
 * Legacy HTTP+SSE transport (protocol 2024-11-05): GET `/sse` opens the session's stream,
 * whose first event names the endpoint for POST `/messages?sessionId=…`; answers travel
 * down the stream. Every failure is answered before the stream starts.
 */
import type { Request, RequestHandler, Response } from 'express';
import type { JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import { SessionLimitError } from './sessions.js';
import { SseStream, writeSseHeaders } from './sse.js';
import { SessionStreamSink } from './sinks.js';
import { SESSION_ERROR, sendJsonRpcError } from './jsonrpc.js';
import {
  bodyReader,
  missingScope,
  principalFrom,
  requestIdOf,
  sendInsufficientScope,
  sendSessionLimit,
  type McpRuntime,
} from './runtime.js';

export const MESSAGES_PATH = '/messages';

export function legacySseHandlers(rt: McpRuntime): { stream: RequestHandler; messages: RequestHandler } {
  const readBody = bodyReader(rt.config.bodyLimit);

  async function openStream(req: Request, res: Response): Promise<void> {
    if (!rt.accepting) {
      sendJsonRpcError(res, 503, SESSION_ERROR, 'The server is shutting down. Retry shortly.', { 'Retry-After': '5' });
      return;
    }
    const { principal } = principalFrom(req);
    let session;
    try {
      session = await rt.sessions.create(principal, 'sse');
    } catch (error) {
      if (error instanceof SessionLimitError) return sendSessionLimit(res, error);
      throw error;
    }
    writeSseHeaders(res);
    const stream = new SseStream(res, session.id, true);
    rt.streams.add(stream);
    const sessionId = session.id;
    // The stream is the session: when it ends, so does the session.
    stream.onClose(() => void rt.sessions.delete(sessionId));
    stream.event('endpoint', `${MESSAGES_PATH}?sessionId=${encodeURIComponent(sessionId)}`);
  }

  async function postMessage(req: Request, res: Response): Promise<void> {
    const sessionId = req.query['sessionId'];
    if (typeof sessionId !== 'string' || sessionId === '') {
      sendJsonRpcError(res, 400, SESSION_ERROR, 'Bad Request: the sessionId query parameter is required.');
      return;
    }
    const { auth, principal } = principalFrom(req);
    const session = await rt.sessions.getOwned(sessionId, principal);
    if (!session || !rt.streams.hasStream(sessionId, (s) => s.standalone && !s.closed)) {
      sendJsonRpcError(res, 404, SESSION_ERROR, 'Session not found. Open a new stream with GET /sse.');
      return;
    }
    rt.sessions.touch(sessionId);
    const messages = await readBody(req, res);
    if (!messages) return;
    const scope = missingScope(messages, rt.registry, auth);
    if (scope !== undefined) {
      sendInsufficientScope(res, scope, rt.challenge);
      return;
    }
    const meta = { session, requestId: requestIdOf(req) };
    const extra = { authInfo: auth, requestInfo: { headers: { ...req.headers, 'mcp-session-id': sessionId } } };
    const sink = new SessionStreamSink((message) => rt.streams.sendToSession(sessionId, message));
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
