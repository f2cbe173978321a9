/**
 * `/mcp` outside Express's router (src/http/mcpRoute.ts): the chain runs like Express's, and
 * the fast path and Express's own `/mcp` route (which still serves `/mcp/`) answer alike.
 */
import http from 'node:http';
import { jest } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import { handlerChain, isMcpPath } from '../../src/http/mcpRoute.js';
import type { Handler } from '../../src/nodeHttp.js';
import { startTestIssuer, type TestIssuer } from '../helpers/keys.js';
import { claimsFor, startTestServer, type TestServer } from '../helpers/server.js';
import { request, type TestResponse } from '../helpers/http.js';
import { testRegistry } from '../helpers/tools.js';

describe('isMcpPath', () => {
  test.each([
    ['/mcp', true],
    ['/mcp?x=1', true],
    ['/mcp/', false],
    ['/MCP', false],
    ['/mcp/tools/call', false],
    ['/mcpx', false],
    ['/sse', false],
    [undefined, false],
  ])('%s → %s', (url, expected) => {
    expect(isMcpPath(url)).toBe(expected);
  });
});

describe('handlerChain', () => {
  /** Serves one chain on loopback and answers one GET with it. */
  async function run(handlers: Handler[], onError: jest.Mock<(error: unknown) => void> = jest.fn()): Promise<{ res: TestResponse; onError: jest.Mock<(error: unknown) => void> }> {
    const fallthrough: Handler = (_req, res) => res.writeHead(404).end('fallthrough');
    const errorHandler = (error: unknown, _req: http.IncomingMessage, res: http.ServerResponse) => {
      onError(error);
      res.writeHead(500).end('error');
    };
    const server = http.createServer(handlerChain(handlers, fallthrough, errorHandler));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const res = await request(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`, { agent: false });
      return { res, onError };
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  test('runs handlers in order until one answers', async () => {
    const seen: string[] = [];
    const { res } = await run([
      (_req, res, next) => { seen.push('a'); res.setHeader('X-A', '1'); next(); },
      (_req, res) => { seen.push('b'); res.writeHead(200).end('b'); },
      () => { seen.push('c'); },
    ]);
    expect(seen).toEqual(['a', 'b']);
    expect(res.status).toBe(200);
    expect(res.body).toBe('b');
    expect(res.headers['x-a']).toBe('1');
  });

  test('next(error) and a thrown error go to the error handler, and nothing after runs', async () => {
    const after = jest.fn();
    const passed = await run([(_req, _res, next) => next(new Error('passed')), after]);
    expect(passed.res.status).toBe(500);
    expect((passed.onError.mock.calls[0]![0] as Error).message).toBe('passed');
    const thrown = await run([() => { throw new Error('thrown'); }, after]);
    expect(thrown.res.status).toBe(500);
    expect((thrown.onError.mock.calls[0]![0] as Error).message).toBe('thrown');
    expect(after).not.toHaveBeenCalled();
  });

  test('next(null) goes on, as under Express', async () => {
    const { res, onError } = await run([(_req, _res, next) => next(null), (_req, res) => res.writeHead(204).end()]);
    expect(res.status).toBe(204);
    expect(onError).not.toHaveBeenCalled();
  });

  test('a chain that runs out ends in the fallthrough', async () => {
    const { res } = await run([(_req, _res, next) => next()]);
    expect(res.status).toBe(404);
    expect(res.body).toBe('fallthrough');
  });
});

describe('the fast path and Express answer alike', () => {
  let issuer: TestIssuer;
  let server: TestServer;
  let token: string;

  beforeAll(async () => {
    issuer = await startTestIssuer();
    server = await startTestServer(issuer, {}, { registry: testRegistry() });
    token = await issuer.sign(claimsFor(server.base, { scope: 'read:companies' }));
  });

  afterAll(async () => {
    await server.shutdown();
    await issuer.close();
  });

  const call = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'neonpanel_whoami', arguments: {} } });
  const post = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' };
  const cases: Array<[string, () => { method: string; headers: Record<string, string>; body?: string }]> = [
    ['no token', () => ({ method: 'POST', headers: post, body: call })],
    ['a bad token', () => ({ method: 'POST', headers: { ...post, authorization: 'Bearer not.a.jwt' }, body: call })],
    ['a foreign Origin', () => ({ method: 'POST', headers: { ...post, origin: 'https://evil.example', authorization: `Bearer ${token}` }, body: call })],
    ['a preflight', () => ({ method: 'OPTIONS', headers: { origin: 'https://client.example', 'access-control-request-method': 'POST' } })],
    ['bad JSON', () => ({ method: 'POST', headers: { ...post, authorization: `Bearer ${token}` }, body: '{' })],
    ['a tools/call', () => ({ method: 'POST', headers: { ...post, authorization: `Bearer ${token}` }, body: call })],
    ['a GET in stateless mode', () => ({ method: 'GET', headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` } })],
    ['PUT', () => ({ method: 'PUT', headers: { authorization: `Bearer ${token}` } })],
  ];

  /** What must match: status, headers other than the date, and the body (the tool result carries no time). */
  const shape = (res: TestResponse) => {
    const { date: _date, ...headers } = res.headers;
    return { status: res.status, headers, body: res.body };
  };

  test.each(cases)('%s', async (_label, make) => {
    const fast = await request(`${server.base}/mcp`, make());
    const routed = await request(`${server.base}/mcp/`, make());
    expect(shape(fast)).toEqual(shape(routed));
    // Both went through the whole pipeline: the security headers are on every answer.
    expect(fast.headers['x-content-type-options']).toBe('nosniff');
  });
});
