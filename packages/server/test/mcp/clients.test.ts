/**
 * Real SDK clients over real sockets: Streamable HTTP (stateful and stateless) and legacy
 * SSE, each doing initialize → tools/list → tools/call → end of session.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { CallToolResultSchema, LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { startTestIssuer, type TestIssuer } from '../helpers/keys.js';
import { claimsFor, startTestServer, type TestServer } from '../helpers/server.js';
import { testRegistry } from '../helpers/transportTools.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await startTestIssuer();
});
afterAll(async () => {
  await issuer.close();
});

function bearer(token: string) {
  return { headers: { Authorization: `Bearer ${token}` } };
}

function sseTransport(url: URL, token: string) {
  return new SSEClientTransport(url, {
    requestInit: bearer(token),
    eventSourceInit: {
      fetch: (input, init) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), Authorization: `Bearer ${token}` } }),
    },
  });
}

describe.each(['stateful', 'stateless'] as const)('Streamable HTTP, %s', (mode) => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer(issuer, { MCP_SESSION_MODE: mode }, { registry: testRegistry() });
    token = await issuer.sign(claimsFor(server.base));
  });
  afterAll(async () => {
    await server.shutdown();
  });

  it('initializes, lists tools, calls a tool and ends the session', async () => {
    const client = new Client({ name: 'jest', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(`${server.base}/mcp`), { requestInit: bearer(token) });
    await client.connect(transport);
    expect(client.getServerVersion()?.name).toBe('neonpanel-mcp');
    expect(client.getServerCapabilities()?.tools).toBeDefined();
    expect(client.getServerCapabilities()?.logging).toBeDefined();
    if (mode === 'stateful') expect(transport.sessionId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    else expect(transport.sessionId).toBeUndefined();

    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['neonpanel_whoami', 'test_echo', 'test_inventory_probe']));
    const echo = tools.find((t) => t.name === 'test_echo')!;
    expect(echo.inputSchema).toMatchObject({ type: 'object', properties: { text: { type: 'string' } }, required: ['text'] });
    expect(JSON.stringify(tools)).not.toContain('$ref');

    const result = await client.callTool({ name: 'test_echo', arguments: { text: 'hello' } });
    expect(result.structuredContent).toEqual({ text: 'hello', subject: 'user-1' });

    const bad = await client.callTool({ name: 'test_echo', arguments: { text: 42 } });
    expect(bad.isError).toBe(true);
    expect(JSON.stringify(bad.content)).toContain('text');

    if (mode === 'stateful') {
      const sessions = server.mcp.sessions.size;
      await transport.terminateSession();
      expect(server.mcp.sessions.size).toBe(sessions - 1);
    }
    await client.close();
  });

  it('reports progress when the client sends a progress token', async () => {
    const client = new Client({ name: 'jest', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${server.base}/mcp`), { requestInit: bearer(token) }));
    const seen: number[] = [];
    const result = await client.callTool({ name: 'test_slow', arguments: { ms: 60, steps: 3 } }, CallToolResultSchema, {
      onprogress: (p) => seen.push(p.progress),
    });
    expect(result.content).toEqual([{ type: 'text', text: 'done' }]);
    expect(seen).toEqual([1, 2, 3]);
    await client.close();
  });

  it('answers an unknown tool with a JSON-RPC invalid-params error', async () => {
    const client = new Client({ name: 'jest', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${server.base}/mcp`), { requestInit: bearer(token) }));
    await expect(client.callTool({ name: 'no_such_tool', arguments: {} })).rejects.toThrow(/Unknown tool/);
    await client.close();
  });
});

describe('logging/setLevel', () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer(issuer, {}, { registry: testRegistry() });
    token = await issuer.sign(claimsFor(server.base));
  });
  afterAll(async () => {
    await server.shutdown();
  });

  it('filters log messages below the session level (messages stream on the POST when a progress token asks for SSE)', async () => {
    const client = new Client({ name: 'jest', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${server.base}/mcp`), { requestInit: bearer(token) }));
    const levels: string[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      levels.push(n.params.level);
    });
    await client.setLoggingLevel('warning');
    await client.callTool({ name: 'test_log', arguments: {} }, CallToolResultSchema, { onprogress: () => {} });
    expect(levels).toEqual(['warning', 'error']);
    await client.close();
  });
});

describe('legacy HTTP+SSE', () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer(issuer, {}, { registry: testRegistry() });
    token = await issuer.sign(claimsFor(server.base));
  });
  afterAll(async () => {
    await server.shutdown();
  });

  it.each(['/sse', '/sse/'])('initializes, lists and calls tools over %s', async (path) => {
    const client = new Client({ name: 'jest', version: '1.0.0' });
    const transport = sseTransport(new URL(`${server.base}${path}`), token);
    await client.connect(transport);
    expect(client.getServerVersion()?.name).toBe('neonpanel-mcp');
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('test_echo');
    const result = await client.callTool({ name: 'test_echo', arguments: { text: 'over sse' } });
    expect(result.structuredContent).toEqual({ text: 'over sse', subject: 'user-1' });
    const before = server.mcp.sessions.size;
    expect(before).toBeGreaterThan(0);
    await client.close();
    // Closing the stream ends the session.
    for (let i = 0; i < 50 && server.mcp.sessions.size >= before; i++) await new Promise((r) => setTimeout(r, 20));
    expect(server.mcp.sessions.size).toBe(before - 1);
  });

  it('sends the endpoint event first', async () => {
    const response = await fetch(`${server.base}/sse`, { headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    expect(response.headers.get('cache-control')).toContain('no-transform');
    expect(response.headers.get('content-encoding')).toBeNull();
    const reader = response.body!.getReader();
    const { value } = await reader.read();
    const text = new TextDecoder().decode(value);
    expect(text).toMatch(/^event: endpoint\ndata: \/messages\?sessionId=[A-Za-z0-9_-]{43}\n\n/);
    await reader.cancel();
  });
});
