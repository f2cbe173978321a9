/**
 * Sessions belong to the user who made them: spec status codes, no cross-user access on
 * any transport, limits, and idle eviction.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestIssuer, type TestIssuer } from '../helpers/keys.js';
import { claimsFor, startTestServer, type TestServer } from '../helpers/server.js';
import { testRegistry } from '../helpers/transportTools.js';
import { callTool, headersFor, initializeBody, openSession, post } from './rpc.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await startTestIssuer();
});
afterAll(async () => {
  await issuer.close();
});

describe('ownership and status codes', () => {
  let server: TestServer;
  let alice: string;
  let bob: string;
  let aliceOtherClient: string;
  beforeAll(async () => {
    server = await startTestServer(issuer, {}, { registry: testRegistry() });
    alice = await issuer.sign(claimsFor(server.base, { sub: 'alice' }));
    bob = await issuer.sign(claimsFor(server.base, { sub: 'bob' }));
    aliceOtherClient = await issuer.sign(claimsFor(server.base, { sub: 'alice', client_id: 'another-client' }));
  });
  afterAll(async () => {
    await server.shutdown();
  });

  it('answers 400 when a non-initialize request has no session id', async () => {
    const response = await post(server.base, callTool(1, 'test_echo', { text: 'x' }), { token: alice });
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).error.message).toMatch(/Mcp-Session-Id/);
  });

  it('answers 404 for an unknown session', async () => {
    const response = await post(server.base, callTool(1, 'test_echo', { text: 'x' }), { token: alice, sessionId: 'no-such-session' });
    expect(response.status).toBe(404);
  });

  it.each([
    ['another user', () => bob],
    ['the same user through another client', () => aliceOtherClient],
  ])('hides a session from %s on POST, GET and DELETE (404)', async (_who, otherToken) => {
    const sessionId = await openSession(server.base, alice);
    const hijack = { token: otherToken(), sessionId };

    const postResponse = await post(server.base, callTool(2, 'test_echo', { text: 'steal' }), hijack);
    expect(postResponse.status).toBe(404);
    const getResponse = await fetch(`${server.base}/mcp`, { headers: { ...headersFor(hijack), Accept: 'text/event-stream' } });
    expect(getResponse.status).toBe(404);
    const deleteResponse = await fetch(`${server.base}/mcp`, { method: 'DELETE', headers: headersFor(hijack) });
    expect(deleteResponse.status).toBe(404);

    // The owner still has it.
    const owner = await post(server.base, callTool(3, 'test_echo', { text: 'mine' }), { token: alice, sessionId });
    expect(owner.status).toBe(200);
    expect(((await owner.json()) as any).result.structuredContent).toEqual({ text: 'mine', subject: 'alice' });
  });

  it('hides a legacy SSE session from another user (404 on /messages)', async () => {
    const stream = await fetch(`${server.base}/sse`, { headers: { Authorization: `Bearer ${alice}` } });
    const reader = stream.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    const endpoint = /data: (\S+)/.exec(first)![1]!;
    const hijack = await fetch(`${server.base}${endpoint}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${bob}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(callTool(1, 'test_echo', { text: 'steal' })),
    });
    expect(hijack.status).toBe(404);
    const owner = await fetch(`${server.base}${endpoint}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${alice}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(callTool(1, 'test_echo', { text: 'mine' })),
    });
    expect(owner.status).toBe(202);
    let received = '';
    while (!received.includes('"mine"')) received += new TextDecoder().decode((await reader.read()).value);
    expect(received).toContain('"subject":"alice"');
    await reader.cancel();
  });

  it('answers 400 on /messages without a sessionId and 404 for an unknown one', async () => {
    const headers = { Authorization: `Bearer ${alice}`, 'Content-Type': 'application/json' };
    const body = JSON.stringify(callTool(1, 'test_echo', { text: 'x' }));
    expect((await fetch(`${server.base}/messages`, { method: 'POST', headers, body })).status).toBe(400);
    expect((await fetch(`${server.base}/messages?sessionId=nope`, { method: 'POST', headers, body })).status).toBe(404);
  });

  it('never lets a session stand in for authentication', async () => {
    const sessionId = await openSession(server.base, alice);
    const response = await fetch(`${server.base}/mcp`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Mcp-Session-Id': sessionId },
      body: JSON.stringify(callTool(1, 'test_echo', { text: 'x' })),
    });
    expect(response.status).toBe(401);
  });

  it('an initialize answered over SSE keeps its session when it succeeds and leaves none when it fails', async () => {
    const sse = { Accept: 'text/event-stream' };
    const before = server.mcp.sessions.size;
    const ok = await post(server.base, initializeBody(), { token: alice, headers: sse });
    expect(ok.headers.get('content-type')).toBe('text/event-stream');
    expect(await ok.text()).toContain('"protocolVersion"');
    expect(server.mcp.sessions.size).toBe(before + 1);

    const bad = await post(server.base, { jsonrpc: '2.0', id: 9, method: 'initialize', params: {} }, { token: alice, headers: sse });
    expect(await bad.text()).toContain('"error"');
    expect(server.mcp.sessions.size).toBe(before + 1);
  });

  it('ends a session on DELETE; afterwards it is 404', async () => {
    const sessionId = await openSession(server.base, alice);
    const del = await fetch(`${server.base}/mcp`, { method: 'DELETE', headers: headersFor({ token: alice, sessionId }) });
    expect(del.status).toBe(200);
    const after = await post(server.base, callTool(1, 'test_echo', { text: 'x' }), { token: alice, sessionId });
    expect(after.status).toBe(404);
  });
});

describe('limits', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(issuer, { MCP_MAX_SESSIONS_PER_SUBJECT: '2', MCP_MAX_SESSIONS: '3' }, { registry: testRegistry() });
  });
  afterAll(async () => {
    await server.shutdown();
  });

  it('caps sessions per subject (429) and in total (503), then frees a slot on DELETE', async () => {
    const carol = await issuer.sign(claimsFor(server.base, { sub: 'carol' }));
    const dave = await issuer.sign(claimsFor(server.base, { sub: 'dave' }));
    const first = await openSession(server.base, carol);
    await openSession(server.base, carol);
    const third = await post(server.base, initializeBody(), { token: carol });
    expect(third.status).toBe(429);
    expect(((await third.json()) as any).error.message).toMatch(/at most 2/);

    await openSession(server.base, dave);
    const overTotal = await post(server.base, initializeBody(), { token: dave });
    expect(overTotal.status).toBe(503);
    expect(overTotal.headers.get('retry-after')).toBe('30');
    const sseOverTotal = await fetch(`${server.base}/sse`, { headers: { Authorization: `Bearer ${dave}` } });
    expect(sseOverTotal.status).toBe(503);
    expect(sseOverTotal.headers.get('content-type')).toMatch(/application\/json/);

    await fetch(`${server.base}/mcp`, { method: 'DELETE', headers: headersFor({ token: carol, sessionId: first }) });
    expect((await post(server.base, initializeBody(), { token: carol })).status).toBe(200);
  });
});

describe('idle eviction', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(issuer, { MCP_SESSION_IDLE_TIMEOUT_MS: '1000' }, { registry: testRegistry() });
  });
  afterAll(async () => {
    await server.shutdown();
  });

  it('evicts idle sessions, closes their streams and frees them', async () => {
    const token = await issuer.sign(claimsFor(server.base, { sub: 'idle-user' }));
    const sessionId = await openSession(server.base, token);
    const stream = await fetch(`${server.base}/mcp`, { headers: { ...headersFor({ token, sessionId }), Accept: 'text/event-stream' } });
    expect(stream.status).toBe(200);
    expect(server.mcp.sessions.size).toBe(1);
    expect(server.mcp.streams.size).toBe(1);

    // The stream ends when the session is evicted.
    const reader = stream.body!.getReader();
    const deadline = Date.now() + 5000;
    let done = false;
    while (!done && Date.now() < deadline) done = (await reader.read()).done;
    expect(done).toBe(true);
    expect(server.mcp.sessions.size).toBe(0);
    expect(server.mcp.streams.size).toBe(0);
    const after = await post(server.base, callTool(1, 'test_echo', { text: 'x' }), { token, sessionId });
    expect(after.status).toBe(404);
  });
});
