/**
 * MCP sessions held by the load worker: Streamable HTTP sessions (optionally with their
 * GET /mcp stream) and legacy HTTP+SSE sessions, opened in bounded parallel batches.
 */
import type http from 'node:http';
import { performance } from 'node:perf_hooks';
import { expectStatus, send } from './http.js';
import { openSse, type SseStream } from './sse.js';
import {
  bearer,
  INITIALIZED_BODY,
  initializeBody,
  LEGACY_PROTOCOL_VERSION,
  POST_HEADERS,
  PROTOCOL_VERSION,
} from './mcp.js';

export interface StreamableSession {
  id: string;
  token: string;
  stream: SseStream | undefined;
}

type Answer = { id?: unknown; result?: unknown; error?: unknown };

export interface LegacySession {
  token: string;
  stream: SseStream;
  /** POST target from the `endpoint` event, as a path. */
  endpoint: string;
  waiting: Map<number, (answer: Answer) => void>;
  nextId: number;
}

export async function openStreamable(url: string, token: string, agent: http.Agent, withStream: boolean): Promise<StreamableSession> {
  const auth = { ...POST_HEADERS, authorization: bearer(token) };
  const init = expectStatus(await send(url, { method: 'POST', path: '/mcp', headers: auth, body: initializeBody(), agent }), 200, 'initialize');
  const id = init.headers['mcp-session-id'];
  if (typeof id !== 'string') throw new Error('initialize: no Mcp-Session-Id (is the server stateless?)');
  const withSession = { ...auth, 'mcp-session-id': id };
  expectStatus(await send(url, { method: 'POST', path: '/mcp', headers: withSession, body: INITIALIZED_BODY, agent }), 202, 'notifications/initialized');
  const stream = withStream
    ? await openSse(url, '/mcp', { authorization: bearer(token), 'mcp-session-id': id, 'mcp-protocol-version': PROTOCOL_VERSION }, { waitForEndpoint: false })
    : undefined;
  return { id, token, stream };
}

export async function closeStreamable(url: string, session: StreamableSession, agent: http.Agent): Promise<void> {
  session.stream?.close();
  const headers = { authorization: bearer(session.token), 'mcp-session-id': session.id, 'mcp-protocol-version': PROTOCOL_VERSION };
  expectStatus(await send(url, { method: 'DELETE', path: '/mcp', headers, agent }), 200, 'DELETE /mcp');
}

/** Sends one JSON-RPC request over a legacy session and resolves with the answer from its stream. */
export async function legacyRequest(url: string, session: LegacySession, agent: http.Agent, build: (id: number) => string, timeoutMs = 10_000): Promise<Answer> {
  const id = ++session.nextId;
  let timer: NodeJS.Timeout | undefined;
  // Registered before the POST: the answer may come down the stream before the 202 does.
  const answered = new Promise<Answer>((resolve, reject) => {
    timer = setTimeout(() => {
      session.waiting.delete(id);
      reject(new Error(`no answer on the stream within ${timeoutMs} ms`));
    }, timeoutMs);
    session.waiting.set(id, (answer) => {
      clearTimeout(timer);
      resolve(answer);
    });
  });
  const abandon = (): void => {
    clearTimeout(timer);
    session.waiting.delete(id);
  };
  let posted;
  try {
    posted = await send(url, {
      method: 'POST',
      path: session.endpoint,
      headers: { 'content-type': 'application/json', authorization: bearer(session.token) },
      body: build(id),
      agent,
    });
  } catch (error) {
    abandon();
    throw error;
  }
  if (posted.status !== 202) {
    abandon();
    throw new HttpStatusError(posted.status, `POST ${session.endpoint.split('?')[0]}: HTTP ${posted.status} ${posted.body.slice(0, 200)}`);
  }
  return answered;
}

export class HttpStatusError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export async function openLegacy(url: string, token: string, agent: http.Agent): Promise<LegacySession> {
  const stream = await openSse(url, '/sse', { authorization: bearer(token) }, { waitForEndpoint: true });
  const endpointUrl = new URL(stream.endpoint!, url);
  const session: LegacySession = { token, stream, endpoint: endpointUrl.pathname + endpointUrl.search, waiting: new Map(), nextId: 0 };
  stream.onMessage = (message) => {
    if (typeof message.id !== 'number') return;
    const waiter = session.waiting.get(message.id);
    session.waiting.delete(message.id);
    waiter?.(message);
  };
  const init = await legacyRequest(url, session, agent, (id) => initializeBody(LEGACY_PROTOCOL_VERSION, id));
  if (!init.result) {
    stream.close();
    throw new Error(`initialize over SSE failed: ${JSON.stringify(init.error ?? init).slice(0, 200)}`);
  }
  const notified = await send(url, {
    method: 'POST',
    path: session.endpoint,
    headers: { 'content-type': 'application/json', authorization: bearer(token) },
    body: INITIALIZED_BODY,
    agent,
  });
  expectStatus(notified, 202, 'notifications/initialized over SSE');
  return session;
}

export interface BatchOutcome<T> {
  ok: T[];
  failed: number;
  firstError: string | undefined;
  durationS: number;
}

/** Runs `count` tasks, at most `parallel` at a time, and keeps going past failures. */
export async function inBatches<T>(count: number, parallel: number, task: (index: number) => Promise<T>): Promise<BatchOutcome<T>> {
  const started = performance.now();
  const ok: T[] = [];
  let failed = 0;
  let firstError: string | undefined;
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      try {
        ok.push(await task(index));
      } catch (error) {
        failed++;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, count)) }, lane));
  return { ok, failed, firstError, durationS: (performance.now() - started) / 1000 };
}
