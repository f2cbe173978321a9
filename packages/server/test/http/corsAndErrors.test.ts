/**
 * CORS, security headers and the JSON-only error pipeline of the real app.
 */
import { startTestIssuer, type TestIssuer } from '../helpers/keys.js';
import { claimsFor, startTestServer, type TestServer } from '../helpers/server.js';
import { callTool, request, type TestResponse } from '../helpers/http.js';
import { SCOPED_TOOL, testRegistry } from '../helpers/tools.js';

const BODY_LIMIT_BYTES = 2048;
let issuer: TestIssuer;
let server: TestServer;
let token: string;

beforeAll(async () => {
  issuer = await startTestIssuer();
  server = await startTestServer(issuer, { BODY_LIMIT: `${BODY_LIMIT_BYTES}b` }, { registry: testRegistry() });
  token = await issuer.sign(claimsFor(server.base, { scope: 'read:companies' }));
});

afterAll(async () => {
  await server.shutdown();
  await issuer.close();
});

const listOf = (header: string | string[] | undefined) =>
  String(header ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);

function expectSecurityHeaders(res: TestResponse): void {
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  const noFraming = res.headers['x-frame-options'] === 'DENY' || /frame-ancestors 'none'/.test(String(res.headers['content-security-policy']));
  expect(noFraming).toBe(true);
  expect(String(res.headers['x-robots-tag'])).toMatch(/\bnoindex\b/);
}

/** JSON, never an HTML page or a stack trace. */
function expectJsonError(res: TestResponse, status: number, error: string): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.body.trimStart().startsWith('<')).toBe(false);
  expect(res.body).not.toMatch(/\bat .+\.(js|ts):\d+/); // no stack frames
  const body = res.json<{ error: string; error_description: string }>();
  expect(body.error).toBe(error);
  expect(typeof body.error_description).toBe('string');
  expectSecurityHeaders(res);
}

describe('CORS preflight', () => {
  test.each(['/mcp', '/sse', '/sse/', '/messages', '/mcp/tools/call'])('OPTIONS %s from https://chatgpt.com → 204 with the documented lists, never 401', async (path) => {
    const res = await request(`${server.base}${path}`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://chatgpt.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, mcp-session-id, mcp-protocol-version, last-event-id',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers['www-authenticate']).toBeUndefined();
    expect(res.headers['access-control-allow-origin']).toBe('*');
    const allowed = listOf(res.headers['access-control-allow-headers']);
    for (const h of ['authorization', 'content-type', 'cache-control', 'accept', 'mcp-session-id', 'mcp-protocol-version', 'last-event-id']) {
      expect(allowed).toContain(h);
    }
    const methods = listOf(res.headers['access-control-allow-methods']);
    for (const m of ['get', 'post', 'options', 'delete']) expect(methods).toContain(m);
    const exposed = listOf(res.headers['access-control-expose-headers']);
    expect(exposed).toEqual(expect.arrayContaining(['www-authenticate', 'mcp-session-id']));
    expectSecurityHeaders(res);
  });

  test('a preflight carrying a bogus Authorization header is still 204', async () => {
    const res = await request(`${server.base}/mcp`, {
      method: 'OPTIONS',
      headers: { origin: 'https://claude.ai', 'access-control-request-method': 'DELETE', authorization: 'Bearer nonsense' },
    });
    expect(res.status).toBe(204);
    expect(listOf(res.headers['access-control-allow-methods'])).toContain('delete');
  });

  test('a 401 exposes WWW-Authenticate to browser clients', async () => {
    const res = await callTool(server.base, undefined, 'neonpanel_whoami', {}, { headers: { origin: 'https://chatgpt.com' } });
    expect(res.status).toBe(401);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(listOf(res.headers['access-control-expose-headers'])).toEqual(expect.arrayContaining(['www-authenticate', 'mcp-session-id']));
  });
});

describe('security headers', () => {
  test('on a success', async () => {
    const res = await callTool(server.base, `Bearer ${token}`);
    expect(res.status).toBe(200);
    expectSecurityHeaders(res);
  });

  test('on public documents', async () => {
    for (const path of ['/health', '/.well-known/oauth-protected-resource']) {
      const res = await request(`${server.base}${path}`);
      expect(res.status).toBe(200);
      expectSecurityHeaders(res);
    }
  });

  test('on 401 and 403', async () => {
    expectJsonError(await callTool(server.base, 'Basic abc'), 401, 'invalid_token');
    expectJsonError(await callTool(server.base, `Bearer ${token}`, SCOPED_TOOL), 403, 'insufficient_scope');
  });

  test('no X-Powered-By', async () => {
    expect((await request(`${server.base}/health`)).headers['x-powered-by']).toBeUndefined();
  });
});

describe('errors are JSON', () => {
  test('an over-large body gets 413 JSON', async () => {
    const body = JSON.stringify({ name: 'neonpanel_whoami', arguments: { pad: 'x'.repeat(BODY_LIMIT_BYTES * 2) } });
    const res = await request(`${server.base}/mcp/tools/call`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
    });
    expectJsonError(res, 413, 'payload_too_large');
  });

  test('a body just under the limit is read', async () => {
    const body = JSON.stringify({ name: 'neonpanel_whoami', arguments: {} });
    const res = await request(`${server.base}/mcp/tools/call`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: body + ' '.repeat(BODY_LIMIT_BYTES - body.length - 1),
    });
    expect(res.status).toBe(200);
  });

  test.each([
    ['truncated', '{"name": '],
    ['not JSON at all', 'name=neonpanel_whoami'],
    ['a trailing comma', '{"name":"neonpanel_whoami",}'],
    ['a bare string (strict JSON bodies are objects or arrays)', '"neonpanel_whoami"'],
  ])('malformed JSON (%s) gets 400 JSON', async (_label, body) => {
    const res = await request(`${server.base}/mcp/tools/call`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
    });
    expectJsonError(res, 400, 'invalid_json');
  });

  test('an unsupported JSON charset gets 415 JSON', async () => {
    const res = await request(`${server.base}/mcp/tools/call`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=latin1', authorization: `Bearer ${token}` },
      body: '{"name":"neonpanel_whoami"}',
    });
    expectJsonError(res, 415, 'unsupported_encoding');
  });

  test('a body that is JSON but not a tool call gets 400 JSON', async () => {
    for (const body of ['[]', '{"arguments":{}}', '{"name":42}', '{"name":"neonpanel_whoami","arguments":[1]}', '{"name":"neonpanel_whoami","arguments":null}']) {
      const res = await request(`${server.base}/mcp/tools/call`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body,
      });
      expectJsonError(res, 400, 'invalid_request');
    }
  });

  test.each([
    ['GET', '/nope'],
    ['POST', '/nope'],
    ['GET', '/.env'],
    ['GET', '/mcp/tools/call'],
    ['PUT', '/mcp/tools/call'],
    ['GET', '/%'],
    ['GET', '/%E0%A4%A'],
    ['GET', '/a/../../etc/passwd'],
    ['DELETE', '/health'],
  ])('%s %s (unknown route) gets 404 JSON', async (method, path) => {
    const res = await request(`${server.base}${path}`, { method });
    expectJsonError(res, 404, 'not_found');
  });

  test('an unknown tool gets 404 JSON', async () => {
    const res = await callTool(server.base, `Bearer ${token}`, 'neonpanel_does_not_exist');
    expectJsonError(res, 404, 'unknown_tool');
  });
});
