/**
 * Protocol hygiene at the HTTP edge: origin and host checks, protocol version, content
 * negotiation, framing errors, scope and upstream-auth answers, keep-alives, and drain.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { startTestIssuer, type TestIssuer } from '../helpers/keys.js';
import { claimsFor, startTestServer, type TestServer } from '../helpers/server.js';
import { testRegistry, echoTool, slowTool } from '../helpers/transportTools.js';
import { createRegistry } from '../../src/tools/registry.js';
import { NeonPanelError } from '../../src/neonpanel/errors.js';
import type { ToolDefinition } from '../../src/tools/types.js';
import { callTool, headersFor, initializeBody, LATEST, openSession, post } from './rpc.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await startTestIssuer();
});
afterAll(async () => {
  await issuer.close();
});

const relinkTool: ToolDefinition = {
  name: 'test_relink',
  title: 'Upstream says 401',
  description: 'Fails the way a revoked NeonPanel token does.',
  scope: undefined,
  toolset: 'account',
  operations: [],
  input: z.object({}),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: async () => {
    throw new NeonPanelError({ kind: 'unauthorized', toolMessage: 'x', failure: 'http', status: 401 });
  },
};

describe('edge checks (stateful)', () => {
  let server: TestServer;
  let token: string;
  let sessionId: string;
  beforeAll(async () => {
    server = await startTestServer(issuer, { SSE_KEEPALIVE_MS: '1000' }, {
      registry: createRegistry([echoTool, slowTool, relinkTool]),
    });
    token = await issuer.sign(claimsFor(server.base, { scope: 'read:companies' }));
    sessionId = await openSession(server.base, token);
  });
  afterAll(async () => {
    await server.shutdown();
  });

  it('rejects a foreign Origin with 403 and accepts allowed or absent ones', async () => {
    const evil = await post(server.base, initializeBody(), { token, headers: { Origin: 'https://evil.example' } });
    expect(evil.status).toBe(403);
    expect(((await evil.json()) as any).error).toBe('forbidden_origin');
    const chatgpt = await post(server.base, initializeBody(), { token, headers: { Origin: 'https://chatgpt.com' } });
    expect(chatgpt.status).toBe(200);
    const local = await post(server.base, initializeBody(), { token, headers: { Origin: 'http://localhost:6274' } });
    expect(local.status).toBe(200);
    const sse = await fetch(`${server.base}/sse`, { headers: { Authorization: `Bearer ${token}`, Origin: 'https://evil.example' } });
    expect(sse.status).toBe(403);
  });

  it('checks Host when bound to loopback (DNS rebinding)', async () => {
    const http = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${server.base}/mcp`);
      const req = http.request({ host: url.hostname, port: url.port, path: '/mcp', method: 'POST', headers: { ...headersFor({ token }), Host: 'attacker.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.end(JSON.stringify(initializeBody()));
    });
    expect(status).toBe(403);
  });

  it('rejects an unsupported MCP-Protocol-Version with 400', async () => {
    const response = await post(server.base, callTool(1, 'test_echo', { text: 'x' }), { token, sessionId, headers: { 'MCP-Protocol-Version': '1999-01-01' } });
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).error.message).toMatch(/Unsupported MCP-Protocol-Version/);
    const ok = await post(server.base, callTool(2, 'test_echo', { text: 'x' }), { token, sessionId, headers: { 'MCP-Protocol-Version': LATEST } });
    expect(ok.status).toBe(200);
  });

  it('answers framing errors with JSON-RPC errors and the right status', async () => {
    const notJson = await fetch(`${server.base}/mcp`, { method: 'POST', headers: headersFor({ token, sessionId }), body: '{oops' });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as any).error.code).toBe(-32700);
    const notRpc = await post(server.base, { hello: 'world' }, { token, sessionId });
    expect(notRpc.status).toBe(400);
    expect(((await notRpc.json()) as any).error.code).toBe(-32600);
    const wrongType = await fetch(`${server.base}/mcp`, { method: 'POST', headers: { ...headersFor({ token, sessionId }), 'Content-Type': 'text/plain' }, body: '{}' });
    expect(wrongType.status).toBe(415);
    const notAcceptable = await post(server.base, callTool(3, 'test_echo', { text: 'x' }), { token, sessionId, headers: { Accept: 'text/html' } });
    expect(notAcceptable.status).toBe(406);
    const put = await fetch(`${server.base}/mcp`, { method: 'PUT', headers: headersFor({ token, sessionId }) });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST, DELETE');
  });

  it('answers 202 to notifications only, and refuses a batch in a 2025-06-18 session (batching was removed then)', async () => {
    const note = await post(server.base, { jsonrpc: '2.0', method: 'notifications/initialized' }, { token, sessionId });
    expect(note.status).toBe(202);
    expect(await note.text()).toBe('');
    const batch = await post(server.base, [callTool(10, 'test_echo', { text: 'a' }), callTool(11, 'test_echo', { text: 'b' })], { token, sessionId });
    expect(batch.status).toBe(400);
    expect(((await batch.json()) as any).error.message).toMatch(/batches are not part of MCP 2025-06-18/);
  });

  it('streams the answer as SSE when the client accepts only text/event-stream', async () => {
    const response = await post(server.base, callTool(20, 'test_echo', { text: 'sse' }), { token, sessionId, headers: { Accept: 'text/event-stream' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const text = await response.text();
    expect(text).toMatch(/^event: message\ndata: \{.*\}\n\n$/s);
    const message = JSON.parse(text.slice('event: message\ndata: '.length));
    expect(message).toMatchObject({ jsonrpc: '2.0', id: 20, result: { structuredContent: { text: 'sse' } } });
  });

  it('answers 403 insufficient_scope before running a tool the token lacks the scope for', async () => {
    const scopedServer = await startTestServer(issuer, {}, { registry: testRegistry() });
    try {
      const weak = await issuer.sign(claimsFor(scopedServer.base, { scope: 'read:companies' }));
      const id = await openSession(scopedServer.base, weak);
      const response = await post(scopedServer.base, callTool(1, 'test_inventory_probe'), { token: weak, sessionId: id });
      expect(response.status).toBe(403);
      const challenge = response.headers.get('www-authenticate')!;
      expect(challenge).toMatch(/^Bearer /);
      expect(challenge).toContain('error="insufficient_scope"');
      expect(challenge).toContain('scope="read:inventory"');
      expect((await response.json()) as any).toMatchObject({ error: 'insufficient_scope' });

      const strong = await issuer.sign(claimsFor(scopedServer.base, { scope: 'read:inventory' }));
      const id2 = await openSession(scopedServer.base, strong);
      const ok = await post(scopedServer.base, callTool(1, 'test_inventory_probe'), { token: strong, sessionId: id2 });
      expect(ok.status).toBe(200);
    } finally {
      await scopedServer.shutdown();
    }
  });

  it('turns NeonPanel rejecting the token into a re-link tool result carrying the challenge (tools/accountLinking.ts)', async () => {
    const response = await post(server.base, callTool(30, 'test_relink'), { token, sessionId });
    expect(response.status).toBe(200);
    const result = ((await response.json()) as { result: { isError: boolean; _meta: Record<string, string[]> } }).result;
    expect(result.isError).toBe(true);
    const challenge = result._meta['mcp/www_authenticate']![0]!;
    expect(challenge).toContain('error="invalid_token"');
    expect(challenge).toContain(`resource_metadata="${server.base}/.well-known/oauth-protected-resource"`);
  });

  it('allows one standalone stream per session (409 for a second) and sends keep-alive comments on it', async () => {
    const headers = { ...headersFor({ token, sessionId }), Accept: 'text/event-stream' };
    const stream = await fetch(`${server.base}/mcp`, { headers });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('x-accel-buffering')).toBe('no');
    const second = await fetch(`${server.base}/mcp`, { headers });
    expect(second.status).toBe(409);
    const reader = stream.body!.getReader();
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toBe(': keep-alive\n\n');
    await reader.cancel();
  });
});

describe('stateless mode', () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer(issuer, { MCP_SESSION_MODE: 'stateless' }, { registry: testRegistry() });
    token = await issuer.sign(claimsFor(server.base));
  });
  afterAll(async () => {
    await server.shutdown();
  });

  it('serves tools/call without initialize or session, and keeps no state', async () => {
    const response = await post(server.base, callTool(1, 'test_echo', { text: 'no state' }), { token });
    expect(response.status).toBe(200);
    expect(response.headers.get('mcp-session-id')).toBeNull();
    expect(((await response.json()) as any).result.structuredContent.text).toBe('no state');
    expect(server.mcp.sessions.size).toBe(0);
  });

  // The SDK's transport hook used to drop messages its zod schemas did not accept, unanswered:
  // each of these left its HTTP request hanging. Every one must now get an answer.
  it.each([
    ['params that are an array', []],
    ['a _meta that is not an object', { name: 'test_echo', arguments: { text: 'x' }, _meta: 'x' }],
    ['a progressToken that is an object', { name: 'test_echo', arguments: { text: 'x' }, _meta: { progressToken: {} } }],
  ])('refuses a request with %s as an invalid request (400, -32600)', async (_what, params) => {
    const response = await fetch(`${server.base}/mcp`, {
      method: 'POST',
      headers: headersFor({ token }),
      body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params }),
      signal: AbortSignal.timeout(5_000),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).error.code).toBe(-32600);
  });

  it('answers a request the SDK would have dropped for a member JSON-RPC does not define', async () => {
    const response = await fetch(`${server.base}/mcp`, {
      method: 'POST',
      headers: headersFor({ token }),
      body: JSON.stringify({ ...callTool(8, 'test_echo', { text: 'extra' }), trace: 'x' }),
      signal: AbortSignal.timeout(5_000),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as any).result.structuredContent.text).toBe('extra');
  });

  it.each([
    ['tools/call', { name: 5, arguments: {} }],
    ['tools/call', { name: 'test_echo', arguments: ['x'] }],
    ['tools/list', { cursor: 5 }],
  ])('answers %s with params its schema refuses as Invalid params (-32602), not an internal error', async (method, params) => {
    const response = await post(server.base, { jsonrpc: '2.0', id: 9, method, params }, { token });
    expect(response.status).toBe(200);
    const error = ((await response.json()) as any).error;
    expect(error.code).toBe(-32602);
    expect(error.message).toContain(`Invalid ${method} request`);
  });

  it('needs no shared state: a client can move between instances from one request to the next', async () => {
    const other = await startTestServer(issuer, { MCP_SESSION_MODE: 'stateless' }, { registry: testRegistry() });
    try {
      // One token for both: the audience is the public URL, which two instances behind one balancer share.
      const shared = await issuer.sign(claimsFor(server.base, { aud: [server.base, other.base] }));
      const init = await post(server.base, initializeBody(), { token: shared });
      expect(init.status).toBe(200);
      for (const [i, base] of [server.base, other.base, server.base, other.base].entries()) {
        const response = await post(base, callTool(i, 'test_echo', { text: `hop ${i}` }), { token: shared, headers: { 'MCP-Protocol-Version': LATEST } });
        expect(response.status).toBe(200);
        expect(((await response.json()) as any).result.structuredContent.text).toBe(`hop ${i}`);
      }
    } finally {
      await other.shutdown();
    }
  });

  it('answers GET and DELETE with 405', async () => {
    const get = await fetch(`${server.base}/mcp`, { headers: { ...headersFor({ token }), Accept: 'text/event-stream' } });
    expect(get.status).toBe(405);
    const del = await fetch(`${server.base}/mcp`, { method: 'DELETE', headers: headersFor({ token }) });
    expect(del.status).toBe(405);
  });
});

describe('shutdown', () => {
  it('lets an in-flight tool call finish, closes session streams, and refuses new work', async () => {
    const server = await startTestServer(issuer, {}, { registry: testRegistry() });
    const token = await issuer.sign(claimsFor(server.base));
    const sessionId = await openSession(server.base, token);
    const stream = await fetch(`${server.base}/mcp`, { headers: { ...headersFor({ token, sessionId }), Accept: 'text/event-stream' } });
    const inFlight = post(server.base, callTool(1, 'test_slow', { ms: 400 }), { token, sessionId });
    await new Promise((r) => setTimeout(r, 100));
    const stopped = server.shutdown('SIGTERM');

    const reader = stream.body!.getReader();
    let ended = false;
    while (!ended) ended = (await reader.read()).done; // the session stream closes promptly
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(((await response.json()) as any).result.content[0].text).toBe('done');
    await stopped;
    await expect(fetch(`${server.base}/health`)).rejects.toThrow();
  });
});
