/**
 * The development authorization server over real sockets: discovery, JWKS, registration,
 * PKCE, the code flow with sign-in and consent, resource indicators and refresh rotation.
 * Tokens are checked with the MCP server's own JWT verifier.
 */
import { createHash, randomBytes } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';
import { refreshAuthorization, registerClient, startAuthorization } from '@modelcontextprotocol/sdk/client/auth.js';
import type { AuthorizationServerMetadata } from '@modelcontextprotocol/sdk/shared/auth.js';
import { DEFAULT_SCOPES } from '../../src/config.js';
import { createJwtVerifier } from '../../src/auth/jwtVerifier.js';
import { InvalidTokenError } from '../../src/auth/errors.js';
import { DEMO_USERS } from '../../src/dev/demoUsers.js';
import {
  completeAuthorization,
  DevFlowError,
  obtainToken,
  startAuthorizationServer,
  type RunningAuthorizationServer,
} from '../../src/dev/authServer/index.js';

const BASE = 'http://localhost:3030';
const RESOURCES = [BASE, `${BASE}/mcp`, `${BASE}/sse`];
const REDIRECT_URI = 'http://127.0.0.1/test/callback';
const alice = DEMO_USERS.find((u) => u.login === 'alice')!;
const bob = DEMO_USERS.find((u) => u.login === 'bob')!;

let as: RunningAuthorizationServer;
let metadata: AuthorizationServerMetadata;

beforeAll(async () => {
  as = await startAuthorizationServer({ port: 0, resources: RESOURCES });
  metadata = await (await fetch(`${as.issuer}/.well-known/oauth-authorization-server`)).json() as AuthorizationServerMetadata;
});

afterAll(async () => {
  await as.close();
});

function verifierFor(audiences: string[], server: RunningAuthorizationServer = as) {
  return createJwtVerifier({
    issuer: server.issuer,
    jwksUri: server.jwksUri,
    audiences,
    algorithms: ['RS256', 'ES256'],
    clockSkewSeconds: 5,
    timeoutMs: 2_000,
    cooldownMs: 0,
  });
}

async function registerPublicClient(extra: Record<string, unknown> = {}) {
  const response = await fetch(metadata.registration_endpoint!, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      redirect_uris: [REDIRECT_URI],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      client_name: 'test client',
      ...extra,
    }),
  });
  expect(response.status).toBe(201);
  return await response.json() as { client_id: string; client_secret?: string; token_endpoint_auth_method: string };
}

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizeUrl(params: Record<string, string>): URL {
  const url = new URL(metadata.authorization_endpoint);
  for (const [k, v] of Object.entries({ response_type: 'code', redirect_uri: REDIRECT_URI, state: 'st', ...params })) url.searchParams.set(k, v);
  return url;
}

/** The error the authorization endpoint redirects back with, before any sign-in. */
async function authorizationError(url: URL): Promise<{ error: string | null; description: string | null }> {
  const response = await fetch(url, { redirect: 'manual' });
  expect(response.status).toBeGreaterThanOrEqual(300);
  expect(response.status).toBeLessThan(400);
  const location = new URL(response.headers.get('location')!, url);
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
  return { error: location.searchParams.get('error'), description: location.searchParams.get('error_description') };
}

async function tokenRequest(params: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(metadata.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(params),
  });
  return { status: response.status, body: await response.json() as Record<string, unknown> };
}

describe('discovery and keys', () => {
  it('serves OpenID discovery with the OAuth 2.1 capabilities the MCP clients need', async () => {
    const response = await fetch(`${as.issuer}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const doc = await response.json() as Record<string, unknown>;
    expect(doc['issuer']).toBe(as.issuer);
    expect(as.issuer).toMatch(/^http:\/\/localhost:\d+$/);
    expect(doc['jwks_uri']).toBe(as.jwksUri);
    expect(doc['registration_endpoint']).toBe(`${as.issuer}/reg`);
    expect(doc['authorization_endpoint']).toBe(`${as.issuer}/auth`);
    expect(doc['token_endpoint']).toBe(`${as.issuer}/token`);
    expect(doc['code_challenge_methods_supported']).toEqual(['S256']);
    expect(doc['response_types_supported']).toEqual(['code']);
    expect(doc['grant_types_supported']).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token']));
    expect(doc['grant_types_supported']).not.toContain('implicit');
    expect(doc['token_endpoint_auth_methods_supported']).toEqual(expect.arrayContaining(['none', 'client_secret_basic']));
    expect([...(doc['scopes_supported'] as string[])].sort()).toEqual(['openid', 'offline_access', ...DEFAULT_SCOPES].sort());
  });

  it('serves the same document as RFC 8414 metadata at /.well-known/oauth-authorization-server', async () => {
    const [oauth, openid] = await Promise.all([
      fetch(`${as.issuer}/.well-known/oauth-authorization-server`),
      fetch(`${as.issuer}/.well-known/openid-configuration`),
    ]);
    expect(oauth.status).toBe(200);
    expect(oauth.headers.get('content-type')).toMatch(/application\/json/);
    const doc = await oauth.json() as Record<string, unknown>;
    expect(doc).toEqual(await openid.json());
    expect(doc['code_challenge_methods_supported']).toEqual(['S256']);
    expect(doc['registration_endpoint']).toBe(`${as.issuer}/reg`);
  });

  it('publishes only public signing keys at /jwks', async () => {
    const response = await fetch(as.jwksUri);
    expect(response.status).toBe(200);
    const { keys } = await response.json() as { keys: Array<Record<string, unknown>> };
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(typeof keys[0]!['kid']).toBe('string');
    for (const privateMember of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(keys[0]).not.toHaveProperty(privateMember);
  });

  it('generates a new key per start, so no key is fixed in the code', async () => {
    const other = await startAuthorizationServer({ port: 0, resources: RESOURCES });
    try {
      const kidOf = async (server: RunningAuthorizationServer) =>
        ((await (await fetch(server.jwksUri)).json()) as { keys: Array<{ kid: string }> }).keys[0]!.kid;
      expect(await kidOf(other)).not.toBe(await kidOf(as));
    } finally {
      await other.close();
    }
  });
});

describe('dynamic client registration (RFC 7591)', () => {
  it('registers a public client without a secret', async () => {
    const client = await registerPublicClient();
    expect(client.client_id).toEqual(expect.any(String));
    expect(client.token_endpoint_auth_method).toBe('none');
    expect(client.client_secret).toBeUndefined();
  });

  it('registers a confidential client with a secret', async () => {
    const client = await registerPublicClient({ token_endpoint_auth_method: 'client_secret_basic' });
    expect(client.token_endpoint_auth_method).toBe('client_secret_basic');
    expect(client.client_secret).toEqual(expect.any(String));
  });

  it('accepts the MCP scopes as registered client scope (the MCP SDK registers with them)', async () => {
    const client = await registerPublicClient({ scope: DEFAULT_SCOPES.join(' ') }) as { scope?: string };
    expect(client.scope?.split(' ').sort()).toEqual([...DEFAULT_SCOPES].sort());
  });

  it('rejects a registration without redirect URIs', async () => {
    const response = await fetch(metadata.registration_endpoint!, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token_endpoint_auth_method: 'none' }),
    });
    expect(response.status).toBe(400);
    expect((await response.json() as { error: string }).error).toMatch(/^invalid_(redirect_uri|client_metadata)$/);
  });
});

describe('CORS for browser-based clients', () => {
  const origin = 'http://localhost:6274';

  it('lets a browser register a client from any origin', async () => {
    const preflight = await fetch(metadata.registration_endpoint!, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('content-type');

    const response = await fetch(metadata.registration_endpoint!, {
      method: 'POST',
      headers: { origin, 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: [`${origin}/oauth/callback`], token_endpoint_auth_method: 'none' }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });

  it("answers the token endpoint cross-origin only for the origin of the client's redirect URIs", async () => {
    const client = await registerPublicClient({ redirect_uris: [`${origin}/oauth/callback`] });
    const call = (from: string) => fetch(metadata.token_endpoint, {
      method: 'POST',
      headers: { origin: from, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'not-a-real-one', client_id: client.client_id }),
    });
    const allowed = await call(origin);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(origin);
    expect((await allowed.json() as { error: string }).error).toBe('invalid_grant');
    const foreign = await call('https://evil.example');
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    expect(foreign.status).toBe(400);
  });
});

describe('PKCE', () => {
  it('rejects an authorization request without a code challenge', async () => {
    const client = await registerPublicClient();
    const { error, description } = await authorizationError(authorizeUrl({ client_id: client.client_id, scope: 'read:companies' }));
    expect(error).toBe('invalid_request');
    expect(description).toMatch(/PKCE|code_challenge/i);
  });

  it('requires PKCE of confidential clients too', async () => {
    const client = await registerPublicClient({ token_endpoint_auth_method: 'client_secret_basic' });
    const { error } = await authorizationError(authorizeUrl({ client_id: client.client_id, scope: 'read:companies' }));
    expect(error).toBe('invalid_request');
  });

  it('rejects the plain method', async () => {
    const client = await registerPublicClient();
    const { verifier } = pkce();
    const { error, description } = await authorizationError(authorizeUrl({
      client_id: client.client_id,
      scope: 'read:companies',
      code_challenge: verifier,
      code_challenge_method: 'plain',
    }));
    expect(error).toBe('invalid_request');
    expect(description).toMatch(/code_challenge_method/);
  });

  it('rejects a code exchange with a missing or wrong verifier, and a code used once cannot be replayed', async () => {
    const client = await registerPublicClient();
    const { challenge, verifier } = pkce();
    const answer = await completeAuthorization(authorizeUrl({
      client_id: client.client_id,
      scope: 'read:companies',
      resource: `${BASE}/mcp`,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }), { redirectUri: REDIRECT_URI, login: 'alice', password: alice.password });
    expect(answer.code).toEqual(expect.any(String));
    const base = { grant_type: 'authorization_code', code: answer.code!, redirect_uri: REDIRECT_URI, client_id: client.client_id };

    const missing = await tokenRequest(base);
    expect(missing.status).toBe(400);
    expect(missing.body['error']).toBe('invalid_grant');
    const wrong = await tokenRequest({ ...base, code_verifier: pkce().verifier });
    expect(wrong.status).toBe(400);
    expect(wrong.body['error']).toBe('invalid_grant');
    const right = await tokenRequest({ ...base, code_verifier: verifier });
    expect(right.status).toBe(200);
    const replay = await tokenRequest({ ...base, code_verifier: verifier });
    expect(replay.status).toBe(400);
    expect(replay.body['error']).toBe('invalid_grant');
  });
});

describe('the authorization code flow', () => {
  it("issues alice a JWT access token for the requested MCP resource that the server's verifier accepts", async () => {
    const scope = 'read:companies read:inventory';
    const { tokens, client } = await obtainToken({ issuer: as.issuer, user: 'alice', scope, resource: `${BASE}/mcp` });

    const info = await verifierFor([`${BASE}/mcp`]).verifyAccessToken(tokens.access_token);
    expect(info.extra?.['subject']).toBe(alice.subject);
    expect(info.clientId).toBe(client.client_id);
    expect([...info.scopes].sort()).toEqual(['read:companies', 'read:inventory']);
    expect(info.resource?.href).toBe(`${BASE}/mcp`);

    const header = decodeProtectedHeader(tokens.access_token);
    expect(header.typ).toBe('at+jwt');
    expect(header.alg).toBe('RS256');
    const claims = decodeJwt(tokens.access_token);
    expect(claims).toMatchObject({ iss: as.issuer, aud: `${BASE}/mcp`, sub: alice.subject, client_id: client.client_id });
    expect(claims['scope']).toBe('read:companies read:inventory');
    expect(claims.exp! - claims.iat!).toBe(3600);
    expect(tokens.token_type).toMatch(/^bearer$/i);
    expect(tokens.expires_in).toBe(3600);
    expect(tokens.refresh_token).toEqual(expect.any(String));
  });

  it("narrows bob's token to the scopes bob may grant", async () => {
    const { tokens } = await obtainToken({ issuer: as.issuer, user: 'bob', scope: DEFAULT_SCOPES.join(' '), resource: `${BASE}/mcp` });
    const info = await verifierFor([`${BASE}/mcp`]).verifyAccessToken(tokens.access_token);
    expect(info.extra?.['subject']).toBe(bob.subject);
    expect([...info.scopes].sort()).toEqual([...bob.scopes].sort());
    expect(info.scopes).not.toContain('write:import');
    expect(tokens.scope?.split(' ').sort()).toEqual([...bob.scopes].sort());
  });

  it('shows bob, on the consent page, what will and will not be granted', async () => {
    const pages: Array<{ status: number; html: string }> = [];
    const client = await registerPublicClient();
    const { challenge } = pkce();
    await completeAuthorization(authorizeUrl({
      client_id: client.client_id,
      scope: 'read:inventory write:import',
      resource: `${BASE}/mcp`,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }), { redirectUri: REDIRECT_URI, login: 'bob', password: bob.password, onPage: (p) => pages.push(p) });
    const consent = pages.find((p) => p.html.includes('id="consent-form"'));
    expect(consent?.status).toBe(200);
    const granted = /<ul id="requested-scopes">([\s\S]*?)<\/ul>/.exec(consent!.html)?.[1] ?? '';
    const unavailable = /<ul id="unavailable-scopes">([\s\S]*?)<\/ul>/.exec(consent!.html)?.[1] ?? '';
    expect(granted).toContain('read:inventory');
    expect(granted).not.toContain('write:import');
    expect(unavailable).toContain('write:import');
    expect(consent!.html).toContain('id="approve"');
    expect(consent!.html).toContain('id="deny"');
  });

  it('refuses a request whose scopes the user may not grant at all', async () => {
    const failure = obtainToken({ issuer: as.issuer, user: 'bob', scope: 'write:import', resource: `${BASE}/mcp` });
    await expect(failure).rejects.toThrow(DevFlowError);
    await expect(failure).rejects.toThrow(/access_denied/);
  });

  it('issues a token for a confidential client that authenticates with its secret', async () => {
    const { tokens, client } = await obtainToken({
      issuer: as.issuer,
      user: 'alice',
      scope: 'read:reports',
      resource: `${BASE}/mcp`,
      tokenEndpointAuthMethod: 'client_secret_basic',
    });
    expect(client.client_secret).toEqual(expect.any(String));
    const info = await verifierFor([`${BASE}/mcp`]).verifyAccessToken(tokens.access_token);
    expect(info.clientId).toBe(client.client_id);
    expect(info.scopes).toEqual(['read:reports']);
  });

  it('answers the user denying consent with access_denied', async () => {
    const client = await registerPublicClient();
    const { challenge } = pkce();
    const answer = await completeAuthorization(authorizeUrl({
      client_id: client.client_id,
      scope: 'read:companies',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }), { redirectUri: REDIRECT_URI, login: 'alice', password: alice.password, decision: 'deny' });
    expect(answer.code).toBeUndefined();
    expect(answer.error).toBe('access_denied');
    expect(answer.state).toBe('st');
  });

  it('keeps the user on the sign-in page after a wrong password, and escapes what it echoes', async () => {
    const client = await registerPublicClient();
    const { challenge } = pkce();
    const pages: Array<{ status: number; html: string }> = [];
    const attempt = completeAuthorization(authorizeUrl({
      client_id: client.client_id,
      scope: 'read:companies',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }), { redirectUri: REDIRECT_URI, login: '<script>alert(1)</script>', password: 'nope', onPage: (p) => pages.push(p) });
    await expect(attempt).rejects.toMatchObject({ code: 'sign_in_failed' });
    const failed = pages.at(-1)!;
    expect(failed.status).toBe(401);
    expect(failed.html).toContain('Unknown username or wrong password.');
    expect(failed.html).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(failed.html).not.toContain('<script>');
  });

  it('rejects the right user with the wrong password', async () => {
    await expect(obtainToken({ issuer: as.issuer, user: 'alice', password: 'bob', scope: 'read:companies' }))
      .rejects.toMatchObject({ code: 'sign_in_failed' });
  });

  it('serves the sign-in page with stable form fields, no script and no framing, over plain-http cookies', async () => {
    const client = await registerPublicClient();
    const { challenge } = pkce();
    const start = await fetch(authorizeUrl({
      client_id: client.client_id,
      scope: 'read:companies',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }), { redirect: 'manual' });
    expect(start.status).toBe(303);
    const cookies = start.headers.getSetCookie();
    expect(cookies.length).toBeGreaterThan(0);
    for (const cookie of cookies) {
      expect(cookie).toMatch(/httponly/i);
      expect(cookie).not.toMatch(/;\s*secure/i);
    }
    const page = await fetch(new URL(start.headers.get('location')!, as.issuer), {
      headers: { cookie: cookies.map((c) => c.split(';')[0]).join('; ') },
    });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const html = await page.text();
    for (const fragment of ['id="login-form"', '<label for="login">', 'name="login"', '<label for="password">', 'name="password"', 'type="password"', 'id="sign-in"']) {
      expect(html).toContain(fragment);
    }
    expect(html).toContain('test client');
    expect(html).not.toMatch(/<script/i);
  });

  it('escapes a hostile client name on the sign-in and consent pages', async () => {
    const client = await registerPublicClient({ client_name: '<img src=x onerror="alert(1)">' });
    const { challenge } = pkce();
    const pages: Array<{ status: number; html: string }> = [];
    const answer = await completeAuthorization(authorizeUrl({
      client_id: client.client_id,
      scope: 'read:companies',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }), { redirectUri: REDIRECT_URI, login: 'alice', password: alice.password, onPage: (p) => pages.push(p) });
    expect(answer.code).toEqual(expect.any(String));
    expect(pages.map((p) => p.html.includes('id="login-form"') ? 'login' : p.html.includes('id="consent-form"') ? 'consent' : 'other'))
      .toEqual(['login', 'consent']);
    for (const page of pages) {
      expect(page.html).not.toContain('<img');
      expect(page.html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
    }
  });

  it('answers an unknown or expired interaction with a 400 page, not a stack trace', async () => {
    const response = await fetch(`${as.issuer}/interaction/not-a-real-uid`);
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('expired');
    expect(html).not.toMatch(/at .*\.js:\d+/);
  });
});

describe('resource indicators (RFC 8707)', () => {
  it('defaults to the base resource when the client names none', async () => {
    const { tokens } = await obtainToken({ issuer: as.issuer, user: 'alice', scope: 'read:companies' });
    expect(decodeJwt(tokens.access_token).aud).toBe(BASE);
    await expect(verifierFor([BASE]).verifyAccessToken(tokens.access_token)).resolves.toMatchObject({ scopes: ['read:companies'] });
  });

  it('issues the token for the configured spelling of a resource written with a trailing slash', async () => {
    const { tokens } = await obtainToken({ issuer: as.issuer, user: 'alice', scope: 'read:companies', resource: `${BASE}/` });
    expect(decodeJwt(tokens.access_token).aud).toBe(BASE);
  });

  it('refuses a resource this server does not serve with invalid_target', async () => {
    const failure = obtainToken({ issuer: as.issuer, user: 'alice', scope: 'read:companies', resource: 'https://evil.example/mcp' });
    await expect(failure).rejects.toThrow(/invalid_target/);
  });

  it("issues a token for another of the server's resources that a verifier for /mcp rejects", async () => {
    const { tokens } = await obtainToken({ issuer: as.issuer, user: 'alice', scope: 'read:companies', resource: `${BASE}/sse` });
    expect(decodeJwt(tokens.access_token).aud).toBe(`${BASE}/sse`);
    const rejected = verifierFor([`${BASE}/mcp`]).verifyAccessToken(tokens.access_token);
    await expect(rejected).rejects.toBeInstanceOf(InvalidTokenError);
    await expect(rejected).rejects.toThrow(/not issued for this resource/);
  });

  it('refuses, at the token endpoint, a resource other than the one authorized', async () => {
    const client = await registerClient(as.issuer, {
      metadata,
      clientMetadata: { redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'] },
    });
    const { authorizationUrl, codeVerifier } = await startAuthorization(as.issuer, {
      metadata, clientInformation: client, redirectUrl: REDIRECT_URI, scope: 'read:companies', resource: `${BASE}/mcp`, state: 's',
    });
    const answer = await completeAuthorization(authorizationUrl, { redirectUri: REDIRECT_URI, login: 'alice', password: alice.password });
    const response = await tokenRequest({
      grant_type: 'authorization_code', code: answer.code!, redirect_uri: REDIRECT_URI, client_id: client.client_id,
      code_verifier: codeVerifier, resource: `${BASE}/sse`,
    });
    expect(response.status).toBe(400);
    expect(response.body['error']).toBe('invalid_target');
  });
});

describe('refresh tokens', () => {
  it('rotates: a refresh gives a new access and refresh token, and the spent one is refused', async () => {
    const { tokens, client } = await obtainToken({ issuer: as.issuer, user: 'alice', scope: 'read:companies read:revenue', resource: `${BASE}/mcp` });
    const first = tokens.refresh_token!;
    expect(first).toEqual(expect.any(String));

    const renewed = await refreshAuthorization(as.issuer, { metadata, clientInformation: client, refreshToken: first, resource: `${BASE}/mcp` });
    expect(renewed.refresh_token).toEqual(expect.any(String));
    expect(renewed.refresh_token).not.toBe(first);
    expect(renewed.access_token).not.toBe(tokens.access_token);
    const info = await verifierFor([`${BASE}/mcp`]).verifyAccessToken(renewed.access_token);
    expect(info.extra?.['subject']).toBe(alice.subject);
    expect([...info.scopes].sort()).toEqual(['read:companies', 'read:revenue']);

    const replay = await tokenRequest({ grant_type: 'refresh_token', refresh_token: first, client_id: client.client_id });
    expect(replay.status).toBe(400);
    expect(replay.body['error']).toBe('invalid_grant');
    // Reuse of a spent token revokes the grant: the newest refresh token dies with it.
    const after = await tokenRequest({ grant_type: 'refresh_token', refresh_token: renewed.refresh_token!, client_id: client.client_id });
    expect(after.status).toBe(400);
    expect(after.body['error']).toBe('invalid_grant');
  });

  it('renews without the client repeating the resource, for the resource it was granted', async () => {
    const { tokens, client } = await obtainToken({ issuer: as.issuer, user: 'bob', scope: 'read:inventory', resource: `${BASE}/sse` });
    const renewed = await tokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token!, client_id: client.client_id });
    expect(renewed.status).toBe(200);
    expect(decodeJwt(renewed.body['access_token'] as string)).toMatchObject({ aud: `${BASE}/sse`, sub: bob.subject, scope: 'read:inventory' });
  });

  it('gives no refresh token to a client that did not register the refresh_token grant', async () => {
    const client = await registerClient(as.issuer, {
      metadata,
      clientMetadata: { redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'none', grant_types: ['authorization_code'] },
    });
    const { authorizationUrl, codeVerifier } = await startAuthorization(as.issuer, {
      metadata, clientInformation: client, redirectUrl: REDIRECT_URI, scope: 'read:companies', resource: `${BASE}/mcp`, state: 's',
    });
    const answer = await completeAuthorization(authorizationUrl, { redirectUri: REDIRECT_URI, login: 'alice', password: alice.password });
    const response = await tokenRequest({
      grant_type: 'authorization_code', code: answer.code!, redirect_uri: REDIRECT_URI, client_id: client.client_id, code_verifier: codeVerifier,
    });
    expect(response.status).toBe(200);
    expect(response.body['access_token']).toEqual(expect.any(String));
    expect(response.body['refresh_token']).toBeUndefined();
  });
});

describe('options', () => {
  it('signs with a supplied ES256 key and honours the access token lifetime', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(privateKey)), kid: 'test-es256' };
    const server = await startAuthorizationServer({ port: 0, resources: RESOURCES, keys: [jwk], accessTokenTtlSeconds: 120 });
    try {
      const { tokens } = await obtainToken({ issuer: server.issuer, user: 'alice', scope: 'read:cogs', resource: `${BASE}/mcp` });
      expect(decodeProtectedHeader(tokens.access_token)).toMatchObject({ alg: 'ES256', kid: 'test-es256', typ: 'at+jwt' });
      const claims = decodeJwt(tokens.access_token);
      expect(claims.exp! - claims.iat!).toBe(120);
      await expect(verifierFor([`${BASE}/mcp`], server).verifyAccessToken(tokens.access_token)).resolves.toMatchObject({ scopes: ['read:cogs'] });
      // Keys from another server do not verify it.
      await expect(verifierFor([`${BASE}/mcp`]).verifyAccessToken(tokens.access_token)).rejects.toBeInstanceOf(InvalidTokenError);
    } finally {
      await server.close();
    }
  });

  it('refuses bad options before listening', async () => {
    await expect(startAuthorizationServer({ port: 0, resources: [] })).rejects.toThrow(/resource/);
    await expect(startAuthorizationServer({ port: 0, resources: ['/mcp'] })).rejects.toThrow();
    await expect(startAuthorizationServer({ port: 0, resources: RESOURCES, accessTokenTtlSeconds: 0 })).rejects.toThrow(/accessTokenTtlSeconds/);
    const { publicKey } = await generateKeyPair('RS256', { extractable: true });
    await expect(startAuthorizationServer({ port: 0, resources: RESOURCES, keys: [await exportJWK(publicKey)] })).rejects.toThrow(/private/);
  });
});
