/**
 * `/mcp`: MCP Streamable HTTP. Each POST is routed by its protocol era (`eras.ts`):
 * 2026-07-28 requests go to `modern.ts`; legacy ones (2025-03-26 … 2025-11-25) are served
 * here: POST carries messages and answers in JSON or SSE; GET opens the server-to-client
 * stream; DELETE ends the session.
 */
import type { ServerResponse } from 'node:http';
import type { Handler } from '../nodeHttp.js';
import { SUPPORTED_PROTOCOL_VERSIONS, type JSONRPCMessage, type JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Principal } from '../auth/types.js';
import type { SessionRecord } from '../store/sessions.js';
import { SessionLimitError } from '../store/sessions.js';
import { SseStream, writeSseHeaders } from './sse.js';
import { JsonCollector, PostStreamSink } from './sinks.js';
import { idOf, INVALID_REQUEST, SESSION_ERROR, sendJson, sendJsonRpcError, type RequestId } from './jsonrpc.js';
import { admit, admitRequests, refuseIfThrottled, startCounting } from './admission.js';
import { throttleInAnswers } from './limitErrors.js';
import { decideEra } from './eras.js';
import { modernPost, sendRefusal } from './modern.js';
import {
  bodyReader,
  hasProgressToken,
  missingScope,
  principalFrom,
  requestIdOf,
  scopeRefusal,
  sendInsufficientScope,
  sendSessionLimit,
  sendUpstreamUnauthorized,
  upstreamUnauthorized,
  type McpRequest,
  type McpRuntime,
} from './runtime.js';
import { traceContextOf } from '../telemetry/httpRequests.js';

const SESSION_HEADER = 'mcp-session-id';

function accepts(req: McpRequest, type: string): boolean {
  const accept = req.headers.accept;
  if (!accept) return type === 'application/json'; // a client that says nothing gets JSON
  return accept.includes(type) || accept.includes('*/*');
}

/** An unsupported `MCP-Protocol-Version` is a 400 (spec: "Protocol Version Header"); `rpcId` is the refused request's. */
function protocolVersionOk(req: McpRequest, res: ServerResponse, rpcId?: RequestId): boolean {
  const version = req.headers['mcp-protocol-version'];
  if (version === undefined || SUPPORTED_PROTOCOL_VERSIONS.includes(version as string)) return true;
  sendJsonRpcError(res, 400, INVALID_REQUEST, `Unsupported MCP-Protocol-Version: ${String(version).slice(0, 40)}. Supported: ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')}.`, undefined, rpcId);
  return false;
}

/** The caller's session from the header: 400 when missing, 404 when unknown or someone else's. */
async function ownedSession(rt: McpRuntime, req: McpRequest, res: ServerResponse, principal: Principal, rpcId?: RequestId): Promise<SessionRecord | undefined> {
  const id = req.headers[SESSION_HEADER];
  if (typeof id !== 'string' || id === '') {
    sendJsonRpcError(res, 400, SESSION_ERROR, 'Bad Request: Mcp-Session-Id header is required.', undefined, rpcId);
    return undefined;
  }
  const session = await rt.sessions.getOwned(id, principal);
  if (!session) {
    sendJsonRpcError(res, 404, SESSION_ERROR, 'Session not found. Start a new session with initialize.', undefined, rpcId);
    return undefined;
  }
  rt.sessions.touch(session);
  return session;
}

export function streamableHandler(rt: McpRuntime): Handler<McpRequest> {
  const readBody = bodyReader(rt.config.bodyLimit);
  const stateful = rt.config.mcp.sessionMode === 'stateful';

  async function post(req: McpRequest, res: ServerResponse): Promise<void> {
    const messages = await readBody(req, res);
    if (!messages) return;
    const rpcId = idOf(req.body);
    if (!accepts(req, 'application/json') && !accepts(req, 'text/event-stream')) {
      sendJsonRpcError(res, 406, INVALID_REQUEST, 'Not Acceptable: the client must accept application/json or text/event-stream.', undefined, rpcId);
      return;
    }
    // The era of this one request (2026-07-28 basic/versioning): modern is stateless, legacy keeps sessions.
    const era = decideEra('POST', req.headers, req.body);
    if (era.era === 'refused') return sendRefusal(res, era.refusal, req.body);
    if (era.era === 'modern') return modernPost(rt, req, res, era.route);
    if (!protocolVersionOk(req, res, rpcId)) return;
    const { auth, principal } = principalFrom(req);

    const isInitialize = messages.some((m) => m.kind === 'request' && m.message.method === 'initialize');
    if (isInitialize && messages.length > 1) {
      sendJsonRpcError(res, 400, INVALID_REQUEST, 'Invalid Request: initialize must be sent on its own.', undefined, rpcId);
      return;
    }
    const scope = missingScope(messages, rt.registry, auth);
    if (scope !== undefined) {
      sendInsufficientScope(res, scope, rt.challenge);
      return;
    }

    const isBatch = Array.isArray(req.body);
    // One message on an existing session: count it while the session is read (one round trip).
    const counting = stateful && !isInitialize && !isBatch ? startCounting(rt.limits, principal.subject, messages.length) : undefined;
    let session: SessionRecord | undefined;
    if (stateful) {
      if (isInitialize) {
        if (!rt.accepting) {
          sendJsonRpcError(res, 503, SESSION_ERROR, 'The server is shutting down. Retry shortly.', { 'Retry-After': '5' }, rpcId);
          return;
        }
        try {
          session = await rt.sessions.create(principal, 'streamable');
        } catch (error) {
          if (error instanceof SessionLimitError) return sendSessionLimit(res, error, rpcId);
          throw error;
        }
        res.setHeader('Mcp-Session-Id', session.id);
      } else {
        session = await ownedSession(rt, req, res, principal, rpcId);
        if (!session) return;
      }
    }

    const revision = session?.protocolVersion ?? (req.headers['mcp-protocol-version'] as string | undefined);
    if (counting) {
      if (!(await refuseIfThrottled(res, counting, rpcId))) return;
    } else if (!(await admit(rt.limits, res, principal.subject, messages.length, { isBatch, revision, maxBatch: rt.config.limits.maxBatch, id: rpcId }))) return;

    const requestId = requestIdOf(req);
    const meta = { session, requestId, trace: traceContextOf(req) };
    const extra = {
      authInfo: auth,
      requestInfo: { headers: req.headers },
    };
    const requests: JSONRPCRequest[] = [];
    for (const m of messages) {
      if (m.kind === 'request') requests.push(m.message);
      else if (m.kind === 'notification') rt.dispatcher.notify(m.message, session, extra);
      // Responses would answer server-to-client requests; this server sends none.
    }
    if (requests.length === 0) {
      res.writeHead(202).end();
      return;
    }

    const ids: number[] = [];
    let finished = false;
    res.once('close', () => {
      if (!finished) for (const id of ids) rt.dispatcher.cancel(id, 'The client closed the connection.');
    });

    const streamWanted = accepts(req, 'text/event-stream') && (!accepts(req, 'application/json') || requests.some(hasProgressToken));
    if (streamWanted) {
      writeSseHeaders(res, session ? { 'Mcp-Session-Id': session.id } : {});
      const stream = new SseStream(res, session?.id);
      rt.streams.add(stream);
      stream.onClose(() => (finished = true));
      const sink = new PostStreamSink(requests.length, stream, isInitialize && session ? (m) => afterInitialize(session!, m) : undefined);
      for (const r of requests) ids.push(rt.dispatcher.request(r, sink, meta, extra));
      return;
    }

    const batch = messages.length > 1 || Array.isArray(req.body);
    const sink = new JsonCollector(
      requests.length,
      (responses: JSONRPCMessage[]) => {
        finished = true;
        if (res.headersSent || res.destroyed) return;
        if (isInitialize && session) afterInitialize(session, responses[0]);
        if (upstreamUnauthorized(responses) !== undefined) return sendUpstreamUnauthorized(res, rt.challenge);
        const throttled = throttleInAnswers(responses);
        if (throttled) res.setHeader('Retry-After', String(throttled.retryAfterSeconds));
        const refused = scopeRefusal(responses);
        if (refused !== undefined) return sendInsufficientScope(res, refused, rt.challenge);
        sendJson(res, throttled?.status ?? 200, batch ? responses : responses[0]);
      },
      session ? (message) => rt.streams.sendToSession(session.id, message) : undefined,
    );
    for (const r of requests) ids.push(rt.dispatcher.request(r, sink, meta, extra));
  }

  function afterInitialize(session: SessionRecord, response: JSONRPCMessage | undefined): void {
    const result = (response as { result?: { protocolVersion?: string } } | undefined)?.result;
    if (result?.protocolVersion) void rt.sessions.update(session.id, { protocolVersion: result.protocolVersion });
    else void rt.sessions.delete(session.id); // a failed initialize leaves no session behind
  }

  async function get(req: McpRequest, res: ServerResponse): Promise<void> {
    if (!stateful) {
      res.setHeader('Allow', 'POST');
      sendJsonRpcError(res, 405, INVALID_REQUEST, 'Method Not Allowed: this server is stateless; there is no server-to-client stream.');
      return;
    }
    if (!protocolVersionOk(req, res)) return;
    if (!accepts(req, 'text/event-stream')) {
      sendJsonRpcError(res, 406, INVALID_REQUEST, 'Not Acceptable: the client must accept text/event-stream.');
      return;
    }
    const { principal } = principalFrom(req);
    // Opening a stream counts against the user's rate limit like any request.
    if (!(await admitRequests(rt.limits, res, principal.subject, 1))) return;
    const session = await ownedSession(rt, req, res, principal);
    if (!session) return;
    if (rt.streams.hasStream(session.id, (s) => s.standalone)) {
      sendJsonRpcError(res, 409, INVALID_REQUEST, 'Conflict: only one stream per session is allowed.');
      return;
    }
    if (!rt.accepting) {
      sendJsonRpcError(res, 503, SESSION_ERROR, 'The server is shutting down. Retry shortly.', { 'Retry-After': '5' });
      return;
    }
    writeSseHeaders(res, { 'Mcp-Session-Id': session.id });
    const stream = new SseStream(res, session.id, true);
    rt.streams.add(stream);
  }

  async function del(req: McpRequest, res: ServerResponse): Promise<void> {
    if (!stateful) {
      res.setHeader('Allow', 'POST');
      sendJsonRpcError(res, 405, INVALID_REQUEST, 'Method Not Allowed: this server is stateless; there is no session to end.');
      return;
    }
    if (!protocolVersionOk(req, res)) return;
    const { principal } = principalFrom(req);
    if (!(await admitRequests(rt.limits, res, principal.subject, 1))) return;
    const session = await ownedSession(rt, req, res, principal);
    if (!session) return;
    await rt.sessions.delete(session.id);
    rt.streams.closeSession(session.id);
    res.writeHead(200).end();
  }

  return (req, res, next) => {
    const handler = req.method === 'POST' ? post : req.method === 'GET' ? get : req.method === 'DELETE' ? del : undefined;
    if (!handler) {
      res.setHeader('Allow', stateful ? 'GET, POST, DELETE' : 'POST');
      sendJsonRpcError(res, 405, INVALID_REQUEST, 'Method Not Allowed.');
      return;
    }
    handler(req, res).catch(next);
  };
}
