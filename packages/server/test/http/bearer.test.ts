/**
 * RFC 6750 bearer authentication through the real app on an ephemeral port.
 */
import http from 'node:http';
import fc from 'fast-check';
import { base64url } from 'jose';
import { DEFAULT_SCOPES } from '../../src/config.js';
import { startTestIssuer, type TestIssuer } from '../helpers/keys.js';
import { claimsFor, startTestServer, type TestServer } from '../helpers/server.js';
import { callTool, request, type TestResponse } from '../helpers/http.js';
import { checkChallenge } from '../helpers/challenge.js';
import { SCOPED_TOOL, SCOPED_TOOL_SCOPE, testRegistry } from '../helpers/tools.js';

const UNSUPPORTED = "Unsupported authorization header. Use 'Authorization: Bearer <token>'.";
const ALL_SCOPES = DEFAULT_SCOPES.join(' ');

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

interface ErrorBody {
  error: string;
  error_description: string;
}

/** A 401 with the challenge and JSON body the issue specifies; returns the body. */
function expect401(res: TestResponse, error?: 'invalid_token'): ErrorBody {
  expect(res.status).toBe(401);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.headers['cache-control']).toBe('no-store');
  const params = checkChallenge(res.headers['www-authenticate'], { base: server.base, scope: ALL_SCOPES, ...(error ? { error } : {}) });
  const body = res.json<ErrorBody>();
  expect(Object.keys(body).sort()).toEqual(['error', 'error_description']);
  expect(body.error).toBe('invalid_token');
  if (error) expect(params['error_description']).toBe(body.error_description);
  return body;
}

describe('no usable credentials: 401 without an error code', () => {
  test.each([
    ['no Authorization header', undefined],
    ['Basic credentials', 'Basic dXNlcjpwYXNz'],
    ['"BearerTOKEN123" (no space: another scheme)', 'BearerTOKEN123'],
    ['an empty header', ''],
    ['a Digest scheme', 'Digest username="x"'],
  ])('%s', async (_label, authorization) => {
    const res = await callTool(server.base, authorization);
    const body = expect401(res);
    expect(body.error_description).toBe(UNSUPPORTED);
  });

  test.each([
    ['POST /mcp', 'POST', '/mcp'],
    ['GET /mcp', 'GET', '/mcp'],
    ['DELETE /mcp', 'DELETE', '/mcp'],
    ['GET /sse', 'GET', '/sse'],
    ['GET /sse/', 'GET', '/sse/'],
    ['POST /messages', 'POST', '/messages?sessionId=abc'],
  ])('every protected endpoint challenges the same way: %s', async (_label, method, path) => {
    const res = await request(`${server.base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      ...(method === 'POST' ? { body: '{"jsonrpc":"2.0","id":1,"method":"ping"}' } : {}),
    });
    expect(expect401(res).error_description).toBe(UNSUPPORTED);
  });

  test('a valid token in the query string is ignored', async () => {
    const res = await request(`${server.base}/mcp/tools/call?access_token=${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'neonpanel_whoami', arguments: {} }),
    });
    expect(expect401(res).error_description).toBe(UNSUPPORTED);
  });

  test('a valid token in a form body is ignored', async () => {
    const res = await request(`${server.base}/mcp/tools/call`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `access_token=${token}&name=neonpanel_whoami`,
    });
    expect(expect401(res).error_description).toBe(UNSUPPORTED);
  });

  test('a valid token in X-API-Key is ignored', async () => {
    const res = await callTool(server.base, undefined, 'neonpanel_whoami', {}, { headers: { 'x-api-key': token } });
    expect(expect401(res).error_description).toBe(UNSUPPORTED);
  });
});

describe('a bearer credential that fails: 401 with error="invalid_token"', () => {
  test.each([
    ['"Bearer" alone', 'Bearer'],
    ['"Bearer " with an empty token', 'Bearer    '],
    ['a token with a space', 'Bearer abc def'],
    ['a token with illegal characters', 'Bearer abc"def'],
    ['a token with a comma', 'Bearer abc,def'],
    ['"=" inside the token', 'Bearer ab=cd'],
    ['a no-break space after the token', 'Bearer abc\u00a0'],
  ])('%s', async (_label, authorization) => {
    const body = expect401(await callTool(server.base, authorization), 'invalid_token');
    expect(body.error_description).toBe('The bearer token is empty or has characters a token may not contain.');
  });

  test('the valid token followed by a no-break space is refused (no lenient trimming)', async () => {
    expect401(await callTool(server.base, `Bearer ${token}\u00a0`), 'invalid_token');
  });

  test('a well-formed token that is not a JWT', async () => {
    const body = expect401(await callTool(server.base, 'Bearer abc=='), 'invalid_token');
    expect(body.error_description).toBe('The access token is malformed or invalid.');
  });

  test('an expired token says so', async () => {
    const expired = await issuer.sign(claimsFor(server.base), { expiresIn: Math.floor(Date.now() / 1000) - 600 });
    const body = expect401(await callTool(server.base, `Bearer ${expired}`), 'invalid_token');
    expect(body.error_description).toBe('The access token has expired.');
  });

  test('a tampered token fails on its signature', async () => {
    const [h, , s] = token.split('.');
    const forged = base64url.encode(JSON.stringify({ ...claimsFor(server.base), sub: 'admin', iss: issuer.issuer, exp: 4_000_000_000 }));
    const body = expect401(await callTool(server.base, `Bearer ${h}.${forged}.${s}`), 'invalid_token');
    expect(body.error_description).toBe("The access token's signature is invalid.");
  });

  test('a token for another resource is refused', async () => {
    const other = await issuer.sign(claimsFor('https://other.example.com'));
    const body = expect401(await callTool(server.base, `Bearer ${other}`), 'invalid_token');
    expect(body.error_description).toBe('The access token was not issued for this resource.');
  });

  test('two Authorization headers are refused, even both valid and identical', async () => {
    const res = await request(`${server.base}/mcp/tools/call`, {
      method: 'POST',
      headers: ['Content-Type', 'application/json', 'Authorization', `Bearer ${token}`, 'Authorization', `Bearer ${token}`],
      body: JSON.stringify({ name: 'neonpanel_whoami', arguments: {} }),
    });
    const body = expect401(res, 'invalid_token');
    expect(body.error_description).toBe('More than one Authorization header was sent.');
  });
});

describe('a valid token', () => {
  test.each(['Bearer', 'bearer', 'BEARER', 'BeArEr'])('is accepted with the scheme written %s', async (scheme) => {
    const res = await callTool(server.base, `${scheme} ${token}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.json<{ structuredContent: { subject: string; clientId: string; scopes: string[] }; isError: boolean }>();
    expect(body.isError).toBe(false);
    expect(body.structuredContent).toMatchObject({ subject: 'user-1', clientId: 'client-1', scopes: ['read:companies'] });
  });

  test('is accepted after several spaces', async () => {
    const res = await callTool(server.base, `Bearer      ${token}`);
    expect(res.status).toBe(200);
    expect(res.json<{ structuredContent: { subject: string } }>().structuredContent.subject).toBe('user-1');
  });

  test('without the scope a tool needs gets 403 insufficient_scope naming that scope', async () => {
    const res = await callTool(server.base, `Bearer ${token}`, SCOPED_TOOL);
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const params = checkChallenge(res.headers['www-authenticate'], { base: server.base, scope: SCOPED_TOOL_SCOPE, error: 'insufficient_scope' });
    const body = res.json<ErrorBody>();
    expect(body.error).toBe('insufficient_scope');
    expect(params['error_description']).toBe(body.error_description);
    expect(body.error_description).toContain(SCOPED_TOOL_SCOPE);
  });

  test('with the scope the tool runs', async () => {
    const scoped = await issuer.sign(claimsFor(server.base, { scope: `read:companies ${SCOPED_TOOL_SCOPE}` }));
    const res = await callTool(server.base, `Bearer ${scoped}`, SCOPED_TOOL);
    expect(res.status).toBe(200);
    expect(res.json<{ structuredContent: unknown }>().structuredContent).toEqual({ peeked: true, subject: 'user-1' });
  });

  test('with the scope in an scp array the tool runs too', async () => {
    const scoped = await issuer.sign(claimsFor(server.base, { scope: undefined, scp: [SCOPED_TOOL_SCOPE] }));
    const res = await callTool(server.base, `Bearer ${scoped}`, SCOPED_TOOL);
    expect(res.status).toBe(200);
  });
});

describe('arbitrary Authorization values over HTTP', () => {
  // What Node's HTTP client will put on the wire (it throws on anything else): HTAB, visible
  // ASCII and obs-text, i.e. _http_common's checkInvalidHeaderChar.
  const sendable = (c: string) => c === '\t' || (c >= '\x20' && c <= '\x7e') || (c >= '\x80' && c <= '\xff');
  const keepSendable = (s: string) => [...s].filter(sendable).join('');
  const latin1 = fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((n) => String.fromCharCode(n)), maxLength: 60 }).map(keepSendable);
  const tokenChars = fc.string({ unit: fc.constantFrom(...'ABCxyz019-._~+/='), maxLength: 40 });
  const jwtShaped = fc.tuple(fc.jsonValue({ maxDepth: 1 }), fc.jsonValue({ maxDepth: 1 }), tokenChars).map(([h, p, s]) =>
    `${base64url.encode(JSON.stringify(h) ?? 'null')}.${base64url.encode(JSON.stringify(p) ?? 'null')}.${s}`);
  const scheme = fc.constantFrom('Bearer ', 'bearer ', 'BEARER  ', 'Bearer', 'Basic ', '');
  const value = fc.oneof(
    fc.string({ maxLength: 80 }),
    fc.string({ unit: 'binary', maxLength: 80 }).map(keepSendable),
    latin1,
    fc.tuple(scheme, fc.oneof(tokenChars, latin1, jwtShaped)).map(([a, b]) => a + b),
  );

  let agent: http.Agent;
  beforeAll(() => {
    agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  });
  afterAll(() => agent.destroy());

  test('never produce a 5xx: always a 401 with a well-formed challenge', async () => {
    await fc.assert(
      fc.asyncProperty(value, async (authorization) => {
        const res = await callTool(server.base, authorization, 'neonpanel_whoami', {}, { agent });
        if (res.status !== 401) throw new Error(`status ${res.status} for ${JSON.stringify(authorization)}: ${res.body}`);
        const params = parseErrorOf(res);
        if (res.json<ErrorBody>().error !== 'invalid_token') throw new Error(`body ${res.body}`);
        return params !== undefined;
      }),
      { numRuns: 200 },
    );
  });

  test('a valid token with arbitrary bytes appended never produces a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(latin1, async (suffix) => {
        const res = await callTool(server.base, `Bearer ${token}${suffix}`, 'neonpanel_whoami', {}, { agent });
        if (res.status >= 500) throw new Error(`status ${res.status} for suffix ${JSON.stringify(suffix)}: ${res.body}`);
        if (res.status !== 200 && res.status !== 401) throw new Error(`status ${res.status}`);
      }),
      { numRuns: 100 },
    );
  });

  function parseErrorOf(res: TestResponse): Record<string, string> {
    const header = res.headers['www-authenticate'];
    // Either form is right depending on the value: no credentials, or failed ones.
    try {
      return checkChallenge(header, { base: server.base, scope: ALL_SCOPES });
    } catch {
      return checkChallenge(header, { base: server.base, scope: ALL_SCOPES, error: 'invalid_token' });
    }
  }
});
