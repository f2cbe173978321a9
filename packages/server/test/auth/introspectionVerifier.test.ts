import http from 'node:http';
import type net from 'node:net';
import type { AddressInfo } from 'node:net';
import { createIntrospectionVerifier, type IntrospectionVerifierOptions } from '../../src/auth/introspectionVerifier.js';
import { InvalidTokenError, VerifierUnavailableError } from '../../src/auth/errors.js';

const ISSUER = 'https://auth.example.com';
const AUDIENCE = 'https://mcp.example.com/mcp';
const now = () => Math.floor(Date.now() / 1000);

interface Received {
  method: string;
  contentType: string | undefined;
  authorization: string | undefined;
  form: URLSearchParams;
}

/**
 * A tiny RFC 7662 endpoint: the answer depends on the token presented, so one server covers
 * every case. `hang` never answers and `boom` answers 500.
 */
function answerFor(token: string): { status: number; body?: unknown } | 'hang' {
  const base = { active: true, sub: 'user-9', client_id: 'client-3', scope: 'read:inventory write:import', exp: now() + 600, iss: ISSUER, aud: AUDIENCE };
  switch (token) {
    case 'good': return { status: 200, body: base };
    case 'good-scp': {
      const { scope: _scope, ...rest } = base;
      return { status: 200, body: { ...rest, scp: ['read:cogs'] } };
    }
    case 'good-aud-list': return { status: 200, body: { ...base, aud: ['https://elsewhere.example.com', AUDIENCE] } };
    case 'inactive': return { status: 200, body: { active: false } };
    case 'active-as-string': return { status: 200, body: { ...base, active: 'true' } };
    case 'expired': return { status: 200, body: { ...base, exp: now() - 120 } };
    case 'wrong-iss': return { status: 200, body: { ...base, iss: 'https://evil.example.com' } };
    case 'wrong-aud': return { status: 200, body: { ...base, aud: 'https://other-service.example.com' } };
    case 'bearer-type': return { status: 200, body: { ...base, token_type: 'Bearer' } };
    case 'refresh-type': return { status: 200, body: { ...base, token_type: 'refresh_token' } };
    case 'dpop-type': return { status: 200, body: { ...base, token_type: 'DPoP' } };
    case 'hydra-refresh': return { status: 200, body: { ...base, token_type: 'Bearer', token_use: 'refresh_token' } };
    case 'no-aud': {
      const { aud: _aud, ...rest } = base;
      return { status: 200, body: rest };
    }
    case 'no-sub': {
      const { sub: _sub, ...rest } = base;
      return { status: 200, body: rest };
    }
    case 'not-json': return { status: 200, body: '<html>oops</html>' };
    case 'boom': return { status: 500, body: { error: 'server_error' } };
    case 'unauthorized-client': return { status: 401, body: { error: 'invalid_client' } };
    case 'hang': return 'hang';
    default: return { status: 200, body: { active: false } };
  }
}

let server: http.Server;
let url: string;
const received: Received[] = [];
const sockets = new Set<net.Socket>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      const form = new URLSearchParams(raw);
      received.push({ method: req.method ?? '', contentType: req.headers['content-type'], authorization: req.headers.authorization, form });
      const answer = answerFor(form.get('token') ?? '');
      if (answer === 'hang') return;
      const body = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(body);
    });
  });
  server.on('connection', (s) => sockets.add(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/introspect`;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  received.length = 0;
});

function verifier(overrides: Partial<IntrospectionVerifierOptions> = {}) {
  return createIntrospectionVerifier({
    introspectionUrl: url,
    clientId: 'mcp-gateway',
    clientSecret: 's3:cr/t',
    issuer: ISSUER,
    audiences: ['https://mcp.example.com', AUDIENCE],
    timeoutMs: 1000,
    clockSkewSeconds: 30,
    ...overrides,
  });
}

async function expectInvalid(token: string, message: string): Promise<void> {
  const error = await verifier().verifyAccessToken(token).then(() => undefined, (e: unknown) => e as Error);
  expect(error).toBeInstanceOf(InvalidTokenError);
  expect(error?.message).toBe(message);
}

describe('createIntrospectionVerifier', () => {
  test('an active token yields the caller, scopes, expiry and the audience it matched', async () => {
    const info = await verifier().verifyAccessToken('good');
    expect(info).toEqual({
      token: 'good',
      clientId: 'client-3',
      scopes: ['read:inventory', 'write:import'],
      expiresAt: expect.any(Number),
      resource: new URL(AUDIENCE),
      extra: { subject: 'user-9', issuer: ISSUER },
    });
    expect(info.expiresAt! - now()).toBeGreaterThan(590);
  });

  test('scopes from an scp array, and an audience list whose second entry is ours', async () => {
    expect((await verifier().verifyAccessToken('good-scp')).scopes).toEqual(['read:cogs']);
    expect((await verifier().verifyAccessToken('good-aud-list')).resource?.href).toBe(AUDIENCE);
  });

  test('an inactive token is refused', async () => {
    await expectInvalid('inactive', 'The access token is not active.');
  });

  test('"active" must be the boolean true, not a look-alike', async () => {
    await expectInvalid('active-as-string', 'The access token is not active.');
  });

  test('an active answer whose exp has passed is refused', async () => {
    await expectInvalid('expired', 'The access token has expired.');
  });

  test('a token from another issuer is refused', async () => {
    await expectInvalid('wrong-iss', 'The access token was issued by another authorization server.');
  });

  test('a token for another audience is refused', async () => {
    await expectInvalid('wrong-aud', 'The access token was not issued for this resource.');
  });

  test('token_type, when present, must be Bearer (or say access token)', async () => {
    await expect(verifier().verifyAccessToken('bearer-type')).resolves.toMatchObject({ clientId: 'client-3' });
    await expectInvalid('refresh-type', 'The token is a refresh token, not an access token.');
    await expectInvalid('dpop-type', 'The token is not a bearer access token.');
    await expectInvalid('hydra-refresh', 'The token is a refresh token, not an access token.');
    const error = await verifier().verifyAccessToken('refresh-type').then(() => undefined, (e: unknown) => e as InvalidTokenError);
    expect([error?.status, error?.reason]).toEqual([401, 'not_access_token']);
  });

  test('an answer without aud is judged by the profile: standard refuses it, neonpanel accepts it', async () => {
    await expectInvalid('no-aud', 'The access token was not issued for this resource.');
    const accepted = await verifier({ profile: 'neonpanel' }).verifyAccessToken('no-aud');
    expect([accepted.clientId, accepted.resource]).toEqual(['client-3', undefined]);
  });

  test('a token without a subject is refused', async () => {
    await expectInvalid('no-sub', 'The access token has no subject.');
  });

  test('the request is an RFC 7662 form POST with client authentication by HTTP Basic', async () => {
    await verifier().verifyAccessToken('good');
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request!.method).toBe('POST');
    expect(request!.contentType).toBe('application/x-www-form-urlencoded');
    expect(request!.form.get('token')).toBe('good');
    expect(request!.form.get('token_type_hint')).toBe('access_token');
    // The secret went in the header, so it is not repeated in the body.
    expect(request!.form.has('client_id')).toBe(false);
    expect(request!.form.has('client_secret')).toBe(false);
    const match = /^Basic ([A-Za-z0-9+/]+=*)$/.exec(request!.authorization ?? '');
    expect(match).not.toBeNull();
    const decoded = Buffer.from(match![1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    // RFC 6749 §2.3.1: each part is form-encoded first, so a ":" in the secret survives.
    expect(decodeURIComponent(decoded.slice(0, colon))).toBe('mcp-gateway');
    expect(decodeURIComponent(decoded.slice(colon + 1))).toBe('s3:cr/t');
  });

  test('without a client secret, the client id is sent in the body and no Authorization header', async () => {
    await verifier({ clientSecret: undefined }).verifyAccessToken('good');
    expect(received[0]!.authorization).toBeUndefined();
    expect(received[0]!.form.get('client_id')).toBe('mcp-gateway');
  });

  test.each([
    ['answers 500', 'boom'],
    ['refuses our client credentials (401)', 'unauthorized-client'],
    ['answers something that is not JSON', 'not-json'],
  ])('an endpoint that %s makes the verifier unavailable, not the token invalid', async (_label, token) => {
    const error = await verifier().verifyAccessToken(token).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(VerifierUnavailableError);
  });

  test('an endpoint that never answers makes the verifier unavailable after the timeout', async () => {
    const started = Date.now();
    const error = await verifier({ timeoutMs: 200 }).verifyAccessToken('hang').then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(VerifierUnavailableError);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test('an endpoint on a closed port makes the verifier unavailable', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await verifier({ introspectionUrl: `http://127.0.0.1:${port}/introspect` }).verifyAccessToken('good').then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(VerifierUnavailableError);
  });
});
