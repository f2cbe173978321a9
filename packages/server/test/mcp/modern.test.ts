/**
 * The 2026-07-28 revision on `/mcp`, next to the legacy era on the same running server:
 * the v2 SDK client (which negotiates the current revision) and raw HTTP for the details
 * a client would hide (headers, status codes, error bodies).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { Client as LegacyClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as LegacyTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startTestIssuer, type TestIssuer } from '../helpers/keys.js';
import { claimsFor, startTestServer, type TestServer } from '../helpers/server.js';
import { cancelledSlowCalls, testRegistry } from '../helpers/transportTools.js';
import { parseChallenge } from '../helpers/challenge.js';

const MODERN = '2026-07-28';
const envelope = (extra: Record<string, unknown> = {}) => ({
  'io.modelcontextprotocol/protocolVersion': MODERN,
  'io.modelcontextprotocol/clientCapabilities': {},
  'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' },
  ...extra,
});

let issuer: TestIssuer;
let server: TestServer;
let token: string;
beforeAll(async () => {
  issuer = await startTestIssuer();
  server = await startTestServer(issuer, {}, { registry: testRegistry() });
  token = await issuer.sign(claimsFor(server.base));
});
afterAll(async () => {
  await server.shutdown();
  await issuer.close();
});

interface RawOptions {
  token?: string | undefined;
  method?: string;
  name?: string;
  version?: string;
  accept?: string;
  headers?: Record<string, string>;
}

async function raw(body: Record<string, unknown>, options: RawOptions = {}): Promise<Response> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    Accept: options.accept ?? 'application/json, text/event-stream',
    'MCP-Protocol-Version': options.version ?? MODERN,
    'Mcp-Method': options.method ?? String(body['method']),
    ...(options.name !== undefined ? { 'Mcp-Name': options.name } : {}),
    ...options.headers,
  };
  const bearerToken = 'token' in options ? options.token : token;
  if (bearerToken !== undefined) headers['Authorization'] = `Bearer ${bearerToken}`;
  return fetch(`${server.base}/mcp`, { method: 'POST', headers, body: JSON.stringify(body) });
}

const discover = (id: number | string = 1) => ({ jsonrpc: '2.0', id, method: 'server/discover', params: { _meta: envelope() } });
const call = (name: string, args: Record<string, unknown>, meta: Record<string, unknown> = {}) => ({
  jsonrpc: '2.0',
  id: 7,
  method: 'tools/call',
  params: { name, arguments: args, _meta: envelope(meta) },
});

describe('2026-07-28 over raw HTTP', () => {
  it('answers a tools/call whose params the schema refuses as Invalid params (-32602), as the 2025 era now does', async () => {
    const response = await raw({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 5, arguments: {}, _meta: envelope() } });
    expect(((await response.json()) as { error: { code: number } }).error.code).toBe(-32602);
  });

  it('server/discover answers versions, capabilities and identity, with no session', async () => {
    const response = await raw(discover('d-1'));
    expect(response.status).toBe(200);
    expect(response.headers.get('mcp-session-id')).toBeNull();
    const body = await response.json() as { id: string; result: Record<string, unknown> };
    expect(body.id).toBe('d-1');
    expect(body.result).toMatchObject({
      resultType: 'complete',
      supportedVersions: [MODERN],
      capabilities: { tools: {} },
      ttlMs: 3_600_000,
      cacheScope: 'public',
      _meta: { 'io.modelcontextprotocol/serverInfo': { name: 'neonpanel-mcp' } },
    });
    expect(typeof body.result['instructions']).toBe('string');
  });

  it('server/discover without a token gets the 401 challenge', async () => {
    const response = await raw(discover(), { token: undefined });
    expect(response.status).toBe(401);
    const challenge = parseChallenge(response.headers.get('www-authenticate') ?? undefined);
    expect(challenge.scheme.toLowerCase()).toBe('bearer');
    expect(challenge.params['resource_metadata']).toContain('/.well-known/oauth-protected-resource');
  });

  it('tools/list is deterministic, private and carries resultType', async () => {
    const list = { jsonrpc: '2.0', id: 2, method: 'tools/list', params: { _meta: envelope() } };
    const first = await (await raw(list)).json() as { result: { tools: Array<{ name: string }>; resultType: string; ttlMs: number; cacheScope: string } };
    const second = await (await raw(list)).json() as typeof first;
    expect(first.result.resultType).toBe('complete');
    expect(first.result.cacheScope).toBe('private');
    expect(first.result.ttlMs).toBeGreaterThan(0);
    expect(first.result.tools.map((t) => t.name)).toEqual(second.result.tools.map((t) => t.name));
    expect(first.result.tools.map((t) => t.name)).toContain('test_echo');
    expect(JSON.stringify(first.result.tools)).not.toContain('"scope"');
  });

  it('tools/call works and carries resultType', async () => {
    const response = await raw(call('test_echo', { text: 'modern' }), { name: 'test_echo' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    const body = await response.json() as { id: number; result: Record<string, unknown> };
    expect(body.id).toBe(7);
    expect(body.result).toMatchObject({ resultType: 'complete', structuredContent: { text: 'modern', subject: 'user-1' } });
  });

  it('an Mcp-Name that disagrees with the body is a 400 HeaderMismatch (-32020)', async () => {
    const response = await raw(call('test_echo', { text: 'x' }), { name: 'neonpanel_whoami' });
    expect(response.status).toBe(400);
    const body = await response.json() as { id: number; error: { code: number; message: string } };
    expect(body.error.code).toBe(-32020);
    expect(body.error.message).toContain('neonpanel_whoami');
    expect(body.id).toBe(7);
  });

  it('a missing Mcp-Name, or an Mcp-Method that disagrees, is a HeaderMismatch too', async () => {
    const missing = await raw(call('test_echo', { text: 'x' }));
    expect(missing.status).toBe(400);
    expect((await missing.json() as { error: { code: number } }).error.code).toBe(-32020);
    const method = await raw(call('test_echo', { text: 'x' }), { name: 'test_echo', method: 'tools/list' });
    expect(method.status).toBe(400);
    expect((await method.json() as { error: { code: number } }).error.code).toBe(-32020);
  });

  it('accepts a Base64-sentinel Mcp-Name', async () => {
    const encoded = `=?base64?${Buffer.from('test_echo').toString('base64')}?=`;
    const response = await raw(call('test_echo', { text: 'b64' }), { name: encoded });
    expect(response.status).toBe(200);
  });

  it('an unsupported version gets -32022 listing the supported ones', async () => {
    const body = { jsonrpc: '2.0', id: 3, method: 'tools/list', params: { _meta: envelope({ 'io.modelcontextprotocol/protocolVersion': '2099-01-01' }) } };
    const response = await raw(body, { version: '2099-01-01' });
    expect(response.status).toBe(400);
    const answer = await response.json() as { id: number; error: { code: number; data: { supported: string[]; requested: string } } };
    expect(answer.id).toBe(3);
    expect(answer.error.code).toBe(-32022);
    expect(answer.error.data.requested).toBe('2099-01-01');
    // What server/discover advertises: the versions a client can retry with by envelope.
    expect(answer.error.data.supported).toEqual([MODERN]);
  });

  it('ping and logging/setLevel are gone in this revision: 404 Method not found', async () => {
    for (const method of ['ping', 'logging/setLevel']) {
      const response = await raw({ jsonrpc: '2.0', id: 4, method, params: { level: 'info', _meta: envelope() } });
      expect(response.status).toBe(404);
      expect((await response.json() as { error: { code: number } }).error.code).toBe(-32601);
    }
  });

  it('a tool the token lacks the scope for gets 403 insufficient_scope, as in the legacy era', async () => {
    const limited = await issuer.sign(claimsFor(server.base, { scope: 'read:companies' }));
    const response = await raw(call('test_inventory_probe', {}), { name: 'test_inventory_probe', token: limited });
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toContain('insufficient_scope');
  });

  it('progress rides on the request\'s own SSE stream, only when the request asked for it', async () => {
    const asked = await raw(call('test_slow', { ms: 30, steps: 2 }, { progressToken: 'p1' }), { name: 'test_slow' });
    expect(asked.headers.get('content-type')).toBe('text/event-stream');
    const text = await asked.text();
    const events = text.split('\n').filter((l) => l.startsWith('data: ')).map((l) => JSON.parse(l.slice(6)) as { method?: string; id?: number; params?: { progressToken?: string } });
    expect(events.filter((e) => e.method === 'notifications/progress').map((e) => e.params?.progressToken)).toEqual(['p1', 'p1']);
    expect(events.at(-1)).toMatchObject({ id: 7, result: { resultType: 'complete' } });

    const silent = await raw(call('test_slow', { ms: 10, steps: 2 }), { name: 'test_slow' });
    expect(silent.headers.get('content-type')).toContain('application/json');
  });

  it('closing the response stream cancels the request', async () => {
    const controller = new AbortController();
    const response = await fetch(`${server.base}/mcp`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream',
        'MCP-Protocol-Version': MODERN,
        'Mcp-Method': 'tools/call',
        'Mcp-Name': 'test_slow',
      },
      body: JSON.stringify(call('test_slow', { ms: 5_000, steps: 10 }, { progressToken: 'c1' })),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    await reader.read(); // the first progress event: the call is running
    expect(server.mcp.modernDispatcher.inFlight).toBe(1);
    const cancelledBefore = cancelledSlowCalls();
    controller.abort();
    for (let i = 0; i < 50 && (server.mcp.modernDispatcher.inFlight > 0 || cancelledSlowCalls() === cancelledBefore); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(server.mcp.modernDispatcher.inFlight).toBe(0);
    // The handler itself is told, not only our bookkeeping: its signal aborted.
    expect(cancelledSlowCalls()).toBe(cancelledBefore + 1);
  });

  it('log messages only when the request names a log level, filtered below it', async () => {
    const asked = await raw(call('test_log', {}, { 'io.modelcontextprotocol/logLevel': 'warning' }), { name: 'test_log' });
    const events = (await asked.text()).split('\n').filter((l) => l.startsWith('data: ')).map((l) => JSON.parse(l.slice(6)) as { method?: string; params?: { level?: string } });
    expect(events.filter((e) => e.method === 'notifications/message').map((e) => e.params?.level)).toEqual(['warning', 'error']);

    const silent = await raw(call('test_log', {}), { name: 'test_log' });
    expect(silent.headers.get('content-type')).toContain('application/json');
    expect((await silent.json() as { result: unknown }).result).toMatchObject({ resultType: 'complete' });
  });

  it('ignores an Mcp-Session-Id on a modern request and mints none', async () => {
    const response = await raw(discover(), { headers: { 'Mcp-Session-Id': 'not-a-session' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('mcp-session-id')).toBeNull();
  });
});

describe('both eras against the same running server', () => {
  it('the v2 client negotiates 2026-07-28 and calls tools', async () => {
    const client = new Client({ name: 'jest-v2', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
    const transport = new StreamableHTTPClientTransport(new URL(`${server.base}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${token}` } } });
    await client.connect(transport);
    expect(client.getNegotiatedProtocolVersion()).toBe(MODERN);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('test_echo');
    const result = await client.callTool({ name: 'test_echo', arguments: { text: 'v2' } });
    expect(result.structuredContent).toEqual({ text: 'v2', subject: 'user-1' });
    expect(server.mcp.sessions.size).toBe(0);
    await client.close();
  });

  it('the 1.x client still initializes a session bound to its user', async () => {
    const client = new LegacyClient({ name: 'jest-1x', version: '1.0.0' });
    const transport = new LegacyTransport(new URL(`${server.base}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${token}` } } });
    await client.connect(transport);
    expect(transport.sessionId).toBeDefined();
    expect(server.mcp.sessions.size).toBe(1);
    const result = await client.callTool({ name: 'test_echo', arguments: { text: '1x' } });
    expect(result.structuredContent).toEqual({ text: '1x', subject: 'user-1' });
    expect(result['resultType']).toBeUndefined();
    await transport.terminateSession();
    await client.close();
  });
});
