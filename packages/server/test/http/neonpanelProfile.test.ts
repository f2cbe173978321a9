/**
 * OAUTH_PROFILE=neonpanel against a NeonPanel-like issuer, over the real app on loopback:
 * OpenID discovery only, JWKS at /.well-known/jwks.json, scopes_supported ["openid"],
 * tokens with scope "openid" and no aud (or aud = a client id). The server gets only
 * OAUTH_PROFILE, OAUTH_ISSUER, PUBLIC_BASE_URL and NEONPANEL_API_BASE: no JWKS URI, audience or scopes.
 */
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { Writable } from 'node:stream';
import { base64url, importJWK, SignJWT, type JWK } from 'jose';
import { startTestIssuer, type TestIssuer } from '../helpers/keys.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { callTool, request, type TestResponse } from '../helpers/http.js';
import { parseChallenge } from '../helpers/challenge.js';
import { createLogger } from '../../src/logger.js';
import { testRegistry, SCOPED_TOOL } from '../helpers/tools.js';
import { openSession, post } from '../mcp/rpc.js';
import { PASSPORT_CLIENT_ID, PASSPORT_REFRESH_TOKEN, keycloakToken, oidcProviderIdToken, passportAccessToken, passportIdToken, sign } from '../helpers/issuedTokens.js';

let issuer: TestIssuer;
let server: TestServer;
const logLines: Record<string, unknown>[] = [];
const NEONPANEL_ENV = { OAUTH_PROFILE: 'neonpanel', OAUTH_JWKS_URI: undefined } as const;

function logSink(into: Record<string, unknown>[]): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) into.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
}

beforeAll(async () => {
  issuer = await startTestIssuer({ layout: 'neonpanel' });
  server = await startTestServer(issuer, NEONPANEL_ENV, { registry: testRegistry(), logger: createLogger('info', logSink(logLines)) });
});
afterAll(async () => {
  await server.shutdown();
  await issuer.close();
});

const bearer = (token: string) => `Bearer ${token}`;
const openidToken = (overrides: Record<string, unknown> = {}) => issuer.sign({ sub: 'user-np-1', scope: 'openid', ...overrides });

function expect401(res: TestResponse): Record<string, string> {
  expect(res.status).toBe(401);
  const challenge = parseChallenge(String(res.headers['www-authenticate']));
  expect(challenge.params['error']).toBe('invalid_token');
  expect(challenge.params['scope']).toBe('openid');
  return challenge.params;
}

describe('discovery under the neonpanel profile', () => {
  test.each(['', '/mcp', '/sse'])('PRM%s advertises exactly openid and the issuer', async (path) => {
    const res = await request(`${server.base}/.well-known/oauth-protected-resource${path}`);
    expect(res.status).toBe(200);
    const doc = res.json<{ resource: string; scopes_supported: string[]; authorization_servers: string[] }>();
    expect(doc.resource).toBe(`${server.base}${path}`);
    expect(doc.scopes_supported).toEqual(['openid']);
    expect(doc.authorization_servers).toEqual([issuer.issuer]);
  });

  test('a request without credentials is challenged for openid, never offline_access', async () => {
    const res = await callTool(server.base, undefined);
    expect(res.status).toBe(401);
    const challenge = parseChallenge(String(res.headers['www-authenticate']));
    expect(challenge.params['scope']).toBe('openid');
    expect(challenge.params['error']).toBeUndefined();
    expect(challenge.params['resource_metadata']).toBe(`${server.base}/.well-known/oauth-protected-resource`);
  });

  test("the RFC 8414 mirror on this origin is the issuer's real OpenID document", async () => {
    const res = await request(`${server.base}/.well-known/oauth-authorization-server`);
    expect(res.status).toBe(200);
    const doc = res.json<Record<string, unknown>>();
    expect(doc['issuer']).toBe(issuer.issuer);
    expect(doc['authorization_endpoint']).toBe(`${issuer.issuer}/oauth2/authorize`);
    expect(doc['token_endpoint']).toBe(`${issuer.issuer}/oauth2/token`);
    expect(doc['registration_endpoint']).toBe(`${issuer.issuer}/oauth2/register`);
    expect(doc['scopes_supported']).toEqual(['openid']);
  });

  test('one start-up line states the audience and scope policy in effect', () => {
    const policy = logLines.filter((l) => l['msg'] === 'auth policy');
    expect(policy).toHaveLength(1);
    expect(policy[0]).toMatchObject({ profile: 'neonpanel', scopeMap: 'openid=*', advertisedScopes: 'openid', allowedClients: 'any' });
    expect(String(policy[0]!['audience'])).toContain('absent, a client id');
  });

  test('/healthz?deep=1 reports the discovered JWKS as reachable', async () => {
    const res = await request(`${server.base}/healthz?deep=1`);
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', checks: { jwks: 'ok', discovery: 'ok' } });
  });
});

describe('tokens as NeonPanel issues them', () => {
  test('scope "openid" and no aud: the scoped tool runs (openid grants every tool scope)', async () => {
    const res = await callTool(server.base, bearer(await openidToken({ azp: 'chatgpt-client-1' })), SCOPED_TOOL);
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ isError: false, structuredContent: { peeked: true, subject: 'user-np-1' } });
  });

  test('aud = the client id with no client claim (Laravel Passport) and scopes: ["openid"]', async () => {
    const token = await issuer.sign({ sub: 'user-np-1', aud: '9c2f0e4e-5d8a-4f1b-9a7e-0c1d2e3f4a5b', scopes: ['openid'] });
    const res = await callTool(server.base, bearer(token), 'neonpanel_whoami');
    expect(res.status).toBe(200);
    const out = res.json<{ structuredContent: { clientId: string; scopes: string[] } }>().structuredContent;
    expect(out.clientId).toBe('9c2f0e4e-5d8a-4f1b-9a7e-0c1d2e3f4a5b');
    expect(out.scopes).toEqual(expect.arrayContaining(['openid', 'read:inventory']));
  });

  test("NeonPanel's access token exactly as Passport shapes it (typ JWT, no kid, jti, scopes) runs the scoped tool", async () => {
    const res = await callTool(server.base, bearer(await sign(issuer, passportAccessToken(issuer))), 'neonpanel_whoami');
    expect(res.status).toBe(200);
    expect(res.json<{ structuredContent: { clientId: string } }>().structuredContent.clientId).toBe(PASSPORT_CLIENT_ID);
  });

  test('aud = our own resource is accepted too', async () => {
    const res = await callTool(server.base, bearer(await openidToken({ aud: `${server.base}/mcp` })), SCOPED_TOOL);
    expect(res.status).toBe(200);
  });

  test('a token carrying fine-grained tool scopes gets exactly those (full registry)', async () => {
    const full = await startTestServer(issuer, NEONPANEL_ENV);
    try {
      const token = await openidToken({ scope: 'openid read:companies' });
      const who = await callTool(full.base, bearer(token), 'neonpanel_whoami');
      expect(who.json<{ structuredContent: { scopes: string[] } }>().structuredContent.scopes).toEqual(['openid', 'read:companies']);
      const refused = await callTool(full.base, bearer(token), 'neonpanel_inventory_search', { company: 'Acme' });
      expect(refused.status).toBe(403);
      const stepUp = parseChallenge(String(refused.headers['www-authenticate'])).params;
      expect(stepUp['error']).toBe('insufficient_scope');
      // NeonPanel does not issue read:inventory; a fresh openid-only token grants it, so that is what the client is asked for.
      expect(stepUp['scope']).toBe('openid');
      expect(refused.json<{ error_description: string }>().error_description).toContain('read:inventory');
      // openid alone grants every scope the registry's tools need.
      const all = await callTool(full.base, bearer(await openidToken()), 'neonpanel_whoami');
      const granted = all.json<{ structuredContent: { scopes: string[] } }>().structuredContent.scopes;
      const { ALL_TOOLS } = await import('../../src/tools/registry.js');
      for (const tool of ALL_TOOLS) if (tool.scope) expect(granted).toContain(tool.scope);
    } finally {
      await full.shutdown();
    }
  });

  test('a URL aud naming another resource server is refused', async () => {
    const params = expect401(await callTool(server.base, bearer(await openidToken({ aud: 'https://api.other.example.com', azp: 'c1' }))));
    expect(params['error_description']).toContain('another resource');
  });
});

describe('forged tokens are still refused with 401', () => {
  const forge = {
    'alg none': async () => {
      const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }));
      const payload = base64url.encode(JSON.stringify({ iss: issuer.issuer, sub: 'admin', scope: 'openid', exp: 4_000_000_000 }));
      return `${header}.${payload}.`;
    },
    'HS256 signed with the public key': async () => {
      const header = base64url.encode(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: issuer.kid }));
      const payload = base64url.encode(JSON.stringify({ iss: issuer.issuer, sub: 'admin', scope: 'openid', exp: 4_000_000_000 }));
      const sig = createHmac('sha256', JSON.stringify(issuer.publicJwk)).update(`${header}.${payload}`).digest('base64url');
      return `${header}.${payload}.${sig}`;
    },
    expired: () => openidToken({ exp: Math.floor(Date.now() / 1000) - 3600 }),
    'future nbf': () => openidToken({ nbf: Math.floor(Date.now() / 1000) + 3600 }),
    'wrong iss': () => openidToken({ iss: 'https://evil.example.com' }),
    'no exp': async () => {
      const { privateKey } = issuer;
      return new SignJWT({ sub: 'admin', scope: 'openid' }).setProtectedHeader({ alg: 'RS256', kid: issuer.kid }).setIssuer(issuer.issuer).setIssuedAt().sign(privateKey);
    },
    'unknown kid': () => issuer.sign({ sub: 'admin', scope: 'openid' }, { kid: 'no-such-key' }),
    tampered: async () => {
      const [h, , s] = (await openidToken()).split('.');
      return `${h}.${base64url.encode(JSON.stringify({ iss: issuer.issuer, sub: 'admin', scope: 'openid', exp: 4_000_000_000 }))}.${s}`;
    },
    "another issuer's key": async () => {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const key = await importJWK(privateKey.export({ format: 'jwk' }) as JWK, 'RS256');
      return issuer.sign({ sub: 'admin', scope: 'openid' }, { key: key as never });
    },
  } as const;

  test.each(Object.keys(forge))('%s', async (name) => {
    const token = await forge[name as keyof typeof forge]();
    const res = await callTool(server.base, bearer(token), SCOPED_TOOL);
    expect401(res);
  });
});

describe('tokens from the same issuer that are not access tokens get 401 invalid_token with the challenge', () => {
  const notAccess = {
    "NeonPanel's ID token (with a nonce)": () => sign(issuer, passportIdToken(issuer, { nonce: 'n-1' })),
    "NeonPanel's ID token (without a nonce)": () => sign(issuer, passportIdToken(issuer)),
    "the development server's ID token (at_hash)": () => sign(issuer, oidcProviderIdToken(issuer)),
    'a refresh token shaped as a JWT (typ Refresh)': () => sign(issuer, keycloakToken(issuer, 'Refresh', { aud: PASSPORT_CLIENT_ID })),
    "NeonPanel's refresh token (opaque)": async () => PASSPORT_REFRESH_TOKEN,
    'an access-token look-alike without jti': () => openidToken({ jti: undefined }),
  } as const;

  test.each(Object.keys(notAccess))('%s', async (name) => {
    const token = await notAccess[name as keyof typeof notAccess]();
    const params = expect401(await callTool(server.base, bearer(token), SCOPED_TOOL));
    expect(params['resource_metadata']).toBe(`${server.base}/.well-known/oauth-protected-resource`);
  });
});

describe('OAUTH_ALLOWED_CLIENTS', () => {
  let restricted: TestServer;
  beforeAll(async () => {
    restricted = await startTestServer(issuer, { ...NEONPANEL_ENV, OAUTH_ALLOWED_CLIENTS: 'chatgpt-client-1' }, { registry: testRegistry() });
  });
  afterAll(() => restricted.shutdown());

  test('accepts the listed client (azp or a client aud) and refuses any other', async () => {
    expect((await callTool(restricted.base, bearer(await openidToken({ azp: 'chatgpt-client-1' })))).status).toBe(200);
    expect((await callTool(restricted.base, bearer(await openidToken({ aud: 'chatgpt-client-1' })))).status).toBe(200);
    expect401(await callTool(restricted.base, bearer(await openidToken({ azp: 'someone-else' }))));
    expect401(await callTool(restricted.base, bearer(await openidToken())));
  });
});

describe('an issuer that is down at start-up', () => {
  let down: TestIssuer;
  let early: TestServer;
  beforeAll(async () => {
    down = await startTestIssuer({ layout: 'neonpanel' });
    down.setMetadataDown(true);
    early = await startTestServer(down, NEONPANEL_ENV, { registry: testRegistry() });
  });
  afterAll(async () => {
    await early.shutdown();
    await down.close();
  });

  test('does not stop the server; requests needing a key get 503 with Retry-After, /healthz?deep=1 says why; it recovers', async () => {
    const token = await down.sign({ sub: 'user-np-1', scope: 'openid' });
    const first = await callTool(early.base, bearer(token), SCOPED_TOOL);
    expect(first.status).toBe(503);
    expect(first.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    expect(first.json()).toMatchObject({ error: 'temporarily_unavailable' });

    const health = await request(`${early.base}/healthz?deep=1`);
    expect(health.status).toBe(503);
    const checks = health.json<{ checks: { discovery: string; jwks: string } }>().checks;
    expect(checks.discovery).toMatch(/^pending: .*HTTP 503/);
    expect(health.body).not.toContain(down.issuer); // says why, without upstream URLs

    // Requests inside the retry window fail fast without going to the issuer each time.
    const fetchesBefore = down.metadataFetches;
    for (let i = 0; i < 5; i++) expect((await callTool(early.base, bearer(token), SCOPED_TOOL)).status).toBe(503);
    expect(down.metadataFetches).toBe(fetchesBefore);

    // Forgeries that need no key are still 401 during the outage.
    const header = base64url.encode(JSON.stringify({ alg: 'none' }));
    expect((await callTool(early.base, bearer(`${header}.${base64url.encode('{"sub":"x"}')}.`), SCOPED_TOOL)).status).toBe(401);

    down.setMetadataDown(false);
    await new Promise((resolve) => setTimeout(resolve, 5_200)); // the retry window
    const later = await callTool(early.base, bearer(token), SCOPED_TOOL);
    expect(later.status).toBe(200);
  }, 20_000);
});

describe('the standard profile with a client-id audience (found in review: a 500)', () => {
  let plain: TestIssuer;
  let strict: TestServer;
  beforeAll(async () => {
    plain = await startTestIssuer();
    const base = 'https://mcp.example.com'; // advertised; the test talks to the loopback address
    strict = await startTestServer(plain, {
      PUBLIC_BASE_URL: base,
      OAUTH_AUDIENCE: `chatgpt-connector-1a2b,${base},${base}/mcp,${base}/sse`,
    }, { registry: testRegistry() });
  });
  afterAll(async () => {
    await strict.shutdown();
    await plain.close();
  });

  test('a token whose aud is a non-URL configured audience is accepted, never a 5xx', async () => {
    const token = await plain.sign({ sub: 'u1', aud: 'chatgpt-connector-1a2b', scope: 'read:inventory' });
    const res = await callTool(strict.base, bearer(token), SCOPED_TOOL);
    expect(res.status).toBe(200);
  });

  test('standard still refuses a token with no aud, or a client-id aud it was not told about', async () => {
    expect((await callTool(strict.base, bearer(await plain.sign({ sub: 'u1', scope: 'read:inventory' })), SCOPED_TOOL)).status).toBe(401);
    expect((await callTool(strict.base, bearer(await plain.sign({ sub: 'u1', aud: 'another-client', scope: 'read:inventory' })), SCOPED_TOOL)).status).toBe(401);
  });
});

describe('ChatGPT account linking: securitySchemes on every tool', () => {
  test('neonpanel: every tool declares oauth2 with the scope the issuer really issues (openid)', async () => {
    const token = await openidToken();
    const sessionId = await openSession(server.base, token);
    const res = await post(server.base, { jsonrpc: '2.0', id: 2, method: 'tools/list' }, { token, sessionId });
    const tools = ((await res.json()) as { result: { tools: Array<{ name: string; scope?: unknown; securitySchemes: unknown; _meta: { securitySchemes: unknown } }> } }).result.tools;
    expect(tools.length).toBeGreaterThan(0);
    for (const tool of tools) {
      expect(tool.securitySchemes).toEqual([{ type: 'oauth2', scopes: ['openid'] }]);
      expect(tool._meta.securitySchemes).toEqual(tool.securitySchemes);
      expect(tool.scope).toBeUndefined();
    }
  });

  test('standard: a scoped tool names its own scope, an unscoped one every advertised scope', async () => {
    const plain = await startTestIssuer();
    const std = await startTestServer(plain, { OAUTH_SCOPES: 'read:inventory read:companies' }, { registry: testRegistry() });
    try {
      const token = await plain.sign({ sub: 'u1', aud: std.base, scope: 'read:inventory' });
      const sessionId = await openSession(std.base, token);
      const res = await post(std.base, { jsonrpc: '2.0', id: 2, method: 'tools/list' }, { token, sessionId });
      const tools = ((await res.json()) as { result: { tools: Array<{ name: string; securitySchemes: unknown }> } }).result.tools;
      expect(tools.find((t) => t.name === SCOPED_TOOL)!.securitySchemes).toEqual([{ type: 'oauth2', scopes: ['read:inventory'] }]);
      expect(tools.find((t) => t.name === 'neonpanel_whoami')!.securitySchemes).toEqual([{ type: 'oauth2', scopes: ['read:inventory', 'read:companies'] }]);
    } finally {
      await std.shutdown();
      await plain.close();
    }
  });
});
