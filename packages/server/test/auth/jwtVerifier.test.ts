import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { exportSPKI, generateKeyPair, importJWK, SignJWT, base64url, type CryptoKey, type JWTPayload } from 'jose';
import { createJwtVerifier, type JwtVerifierOptions } from '../../src/auth/jwtVerifier.js';
import { InvalidTokenError, VerifierUnavailableError } from '../../src/auth/errors.js';
import { startTestIssuer, type TestIssuer } from '../helpers/keys.js';

const AUDIENCE = 'https://mcp.example.com/mcp';
const OTHER_AUDIENCE = 'https://mcp.example.com';
const now = () => Math.floor(Date.now() / 1000);

let rsa: TestIssuer;
let ec: TestIssuer;
/** A key the issuer never published, for forgeries. */
let stranger: CryptoKey;

beforeAll(async () => {
  [rsa, ec, { privateKey: stranger }] = await Promise.all([startTestIssuer(), startTestIssuer({ alg: 'ES256' }), generateKeyPair('RS256')]);
});
afterAll(async () => {
  await Promise.all([rsa.close(), ec.close()]);
});

function verifierFor(issuer: TestIssuer, overrides: Partial<JwtVerifierOptions> = {}) {
  return createJwtVerifier({
    issuer: issuer.issuer,
    jwksUri: issuer.jwksUri,
    audiences: [OTHER_AUDIENCE, AUDIENCE],
    algorithms: ['RS256', 'ES256'],
    clockSkewSeconds: 30,
    timeoutMs: 1000,
    cooldownMs: 30_000,
    ...overrides,
  });
}

/** Signs exactly the payload given: no claim is added, so missing and odd claims can be tested. */
function signExactly(issuer: TestIssuer, payload: JWTPayload, header: { alg?: string; kid?: string } = {}, key: CryptoKey | Uint8Array = issuer.privateKey): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: header.alg ?? (issuer.publicJwk.alg as string), kid: header.kid ?? issuer.kid, typ: 'at+jwt' })
    .sign(key);
}

function claims(issuer: TestIssuer, overrides: JWTPayload = {}): JWTPayload {
  const t = now();
  return { iss: issuer.issuer, sub: 'user-42', aud: AUDIENCE, client_id: 'client-7', iat: t, exp: t + 600, scope: 'read:inventory read:companies', ...overrides };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the verifier to reject the token');
}

async function expectInvalid(promise: Promise<unknown>, message: string): Promise<void> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(InvalidTokenError);
  expect(error.message).toBe(message);
}

describe('createJwtVerifier', () => {
  test('a valid RS256 token yields the caller, its scopes, its expiry and the audience it matched', async () => {
    const payload = claims(rsa);
    const token = await signExactly(rsa, payload);
    const info = await verifierFor(rsa).verifyAccessToken(token);
    expect(info).toEqual({
      token,
      clientId: 'client-7',
      scopes: ['read:inventory', 'read:companies'],
      expiresAt: payload.exp,
      resource: new URL(AUDIENCE),
      extra: { subject: 'user-42', issuer: rsa.issuer },
    });
  });

  test('a valid ES256 token is accepted too', async () => {
    const token = await signExactly(ec, claims(ec));
    const info = await verifierFor(ec).verifyAccessToken(token);
    expect(info.extra).toEqual({ subject: 'user-42', issuer: ec.issuer });
  });

  test('an expired token is refused; one expired within the clock skew is not', async () => {
    const v = verifierFor(rsa);
    await expectInvalid(v.verifyAccessToken(await signExactly(rsa, claims(rsa, { exp: now() - 120 }))), 'The access token has expired.');
    await expect(v.verifyAccessToken(await signExactly(rsa, claims(rsa, { exp: now() - 10 })))).resolves.toBeDefined();
  });

  test('a token not yet valid (nbf) is refused; one a few seconds early is not', async () => {
    const v = verifierFor(rsa);
    await expectInvalid(v.verifyAccessToken(await signExactly(rsa, claims(rsa, { nbf: now() + 120 }))), 'The access token is not valid yet.');
    await expect(v.verifyAccessToken(await signExactly(rsa, claims(rsa, { nbf: now() + 10 })))).resolves.toBeDefined();
  });

  test('a token issued in the future (iat beyond the skew) is refused; a few seconds ahead is not', async () => {
    const v = verifierFor(rsa);
    await expectInvalid(v.verifyAccessToken(await signExactly(rsa, claims(rsa, { iat: now() + 3600 }))), 'The access token was issued in the future.');
    await expect(v.verifyAccessToken(await signExactly(rsa, claims(rsa, { iat: now() + 10 })))).resolves.toBeDefined();
  });

  test('a token from another issuer is refused', async () => {
    const token = await signExactly(rsa, claims(rsa, { iss: 'https://evil.example.com' }));
    await expectInvalid(verifierFor(rsa).verifyAccessToken(token), 'The access token was issued by another authorization server.');
  });

  test('a token for another audience is refused', async () => {
    const token = await signExactly(rsa, claims(rsa, { aud: 'https://other-service.example.com' }));
    await expectInvalid(verifierFor(rsa).verifyAccessToken(token), 'The access token was not issued for this resource.');
  });

  test('a token with no audience is refused', async () => {
    const { aud: _aud, ...noAud } = claims(rsa);
    await expectInvalid(verifierFor(rsa).verifyAccessToken(await signExactly(rsa, noAud)), 'The access token was not issued for this resource.');
  });

  test('the audience check takes a list: the second accepted entry matches, in a string or an array', async () => {
    const v = verifierFor(rsa, { audiences: ['https://first.example.com', 'https://second.example.com'] });
    const single = await v.verifyAccessToken(await signExactly(rsa, claims(rsa, { aud: 'https://second.example.com' })));
    expect(single.resource?.href).toBe('https://second.example.com/');
    const list = await v.verifyAccessToken(await signExactly(rsa, claims(rsa, { aud: ['https://unrelated.example.com', 'https://second.example.com'] })));
    expect(list.resource?.href).toBe('https://second.example.com/');
  });

  test('a non-URL accepted audience (a client id) is matched as a string, with no resource URL and no crash', async () => {
    // Found in review: the verifier ran new URL() on the matched audience, so this was a 500.
    const v = verifierFor(rsa, { audiences: ['chatgpt-connector-1a2b', AUDIENCE] });
    const info = await v.verifyAccessToken(await signExactly(rsa, claims(rsa, { aud: 'chatgpt-connector-1a2b' })));
    expect(info.extra?.['subject']).toBe('user-42');
    expect(info.resource).toBeUndefined();
  });

  test('neonpanel profile: no aud, or a client-id aud, is accepted; another resource is not; Passport scopes are read', async () => {
    const v = verifierFor(rsa, { profile: 'neonpanel' });
    const { aud: _aud, client_id: _c, scope: _s, ...bare } = claims(rsa);
    const none = await v.verifyAccessToken(await signExactly(rsa, { ...bare, jti: 'a1', scopes: ['openid'] }));
    expect(none).toMatchObject({ scopes: ['openid'], clientId: '' });
    const client = await v.verifyAccessToken(await signExactly(rsa, { ...bare, jti: 'a2', aud: '7', scopes: ['openid'] }));
    expect(client.clientId).toBe('7');
    await expectInvalid(v.verifyAccessToken(await signExactly(rsa, { ...bare, jti: 'a3', scopes: ['openid'], aud: 'https://other-service.example.com' })), 'The access token was issued for another resource.');
  });

  test('while the JWKS URL is not yet discovered, a signed token gets 503 and alg none still 401', async () => {
    const v = verifierFor(rsa, { jwksUri: () => Promise.reject(new Error('metadata unavailable')) });
    const error = await rejection(v.verifyAccessToken(await signExactly(rsa, claims(rsa))));
    expect(error).toBeInstanceOf(VerifierUnavailableError);
    const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }));
    await expect(v.verifyAccessToken(`${header}.${base64url.encode(JSON.stringify(claims(rsa)))}.`)).rejects.toBeInstanceOf(InvalidTokenError);
  });

  test('alg "none" is refused', async () => {
    const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }));
    const payload = base64url.encode(JSON.stringify(claims(rsa)));
    for (const token of [`${header}.${payload}.`, `${header}.${payload}`]) {
      const error = await rejection(verifierFor(rsa).verifyAccessToken(token));
      expect(error).toBeInstanceOf(InvalidTokenError);
    }
    await expectInvalid(verifierFor(rsa).verifyAccessToken(`${header}.${payload}.`), 'The access token is signed with an algorithm this server does not accept.');
  });

  test('HS256 signed with the public key as the secret (JWK or PEM bytes) is refused', async () => {
    const spki = await exportSPKI(await importJWK(rsa.publicJwk, 'RS256', { extractable: true }) as CryptoKey);
    const secrets = [
      new TextEncoder().encode(JSON.stringify(rsa.publicJwk)),
      new TextEncoder().encode(spki),
      new TextEncoder().encode(spki.trim()),
    ];
    for (const secret of secrets) {
      const token = await signExactly(rsa, claims(rsa), { alg: 'HS256' }, secret);
      await expectInvalid(verifierFor(rsa).verifyAccessToken(token), 'The access token is signed with an algorithm this server does not accept.');
    }
  });

  test('an asymmetric algorithm outside the allowlist is refused', async () => {
    const token = await signExactly(rsa, claims(rsa));
    await expectInvalid(verifierFor(rsa, { algorithms: ['ES256'] }).verifyAccessToken(token), 'The access token is signed with an algorithm this server does not accept.');
  });

  test('a token signed by a key the JWKS does not hold (unknown kid) is refused', async () => {
    const token = await signExactly(rsa, claims(rsa), { kid: 'rotated-away' }, stranger);
    await expectInvalid(verifierFor(rsa).verifyAccessToken(token), "The access token's signing key is not known to the authorization server.");
  });

  test('a token signed by a stranger under the known kid fails on its signature', async () => {
    const token = await signExactly(rsa, claims(rsa), {}, stranger);
    await expectInvalid(verifierFor(rsa).verifyAccessToken(token), "The access token's signature is invalid.");
  });

  test('many unknown-kid tokens make at most a couple of JWKS fetches (refresh bounded by the cooldown)', async () => {
    const v = verifierFor(rsa);
    const before = rsa.fetches;
    for (let i = 0; i < 25; i++) {
      const token = await signExactly(rsa, claims(rsa), { kid: `forged-${i}` }, stranger);
      await expect(v.verifyAccessToken(token)).rejects.toBeInstanceOf(InvalidTokenError);
    }
    await Promise.all(Array.from({ length: 25 }, async (_, i) => {
      const token = await signExactly(rsa, claims(rsa), { kid: `parallel-${i}` }, stranger);
      await expect(v.verifyAccessToken(token)).rejects.toBeInstanceOf(InvalidTokenError);
    }));
    const fetched = rsa.fetches - before;
    expect(fetched).toBeGreaterThanOrEqual(1);
    expect(fetched).toBeLessThanOrEqual(2);
    // The genuine key still works from the cached set, without another fetch.
    await expect(v.verifyAccessToken(await signExactly(rsa, claims(rsa)))).resolves.toBeDefined();
    expect(rsa.fetches - before).toBe(fetched);
  });

  test('a tampered payload fails on its signature', async () => {
    const token = await signExactly(rsa, claims(rsa));
    const [header, , signature] = token.split('.');
    const forged = base64url.encode(JSON.stringify(claims(rsa, { sub: 'admin', scope: 'write:import' })));
    await expectInvalid(verifierFor(rsa).verifyAccessToken(`${header}.${forged}.${signature}`), "The access token's signature is invalid.");
  });

  test('a token without exp is refused', async () => {
    const { exp: _exp, ...noExp } = claims(rsa);
    await expectInvalid(verifierFor(rsa).verifyAccessToken(await signExactly(rsa, noExp)), 'The access token\'s "exp" claim is missing or invalid.');
  });

  test('a token without sub is refused', async () => {
    const { sub: _sub, ...noSub } = claims(rsa);
    await expectInvalid(verifierFor(rsa).verifyAccessToken(await signExactly(rsa, noSub)), 'The access token\'s "sub" claim is missing or invalid.');
  });

  test('scopes are read from a space-delimited "scope" or from an "scp" array', async () => {
    const v = verifierFor(rsa);
    const fromScope = await v.verifyAccessToken(await signExactly(rsa, claims(rsa, { scope: 'read:inventory  write:import' })));
    expect(fromScope.scopes).toEqual(['read:inventory', 'write:import']);
    const { scope: _s, ...noScope } = claims(rsa);
    const fromScp = await v.verifyAccessToken(await signExactly(rsa, { ...noScope, scp: ['read:cogs', 'read:revenue'] }));
    expect(fromScp.scopes).toEqual(['read:cogs', 'read:revenue']);
    const none = await v.verifyAccessToken(await signExactly(rsa, noScope));
    expect(none.scopes).toEqual([]);
  });

  test('the client id comes from client_id, then azp', async () => {
    const { client_id: _c, ...noClient } = claims(rsa);
    const info = await verifierFor(rsa).verifyAccessToken(await signExactly(rsa, { ...noClient, azp: 'azp-client' }));
    expect(info.clientId).toBe('azp-client');
  });

  test('garbage that is not a JWS is an invalid token, not an outage', async () => {
    for (const token of ['abc', 'a.b.c', 'a.b', 'eyJhbGciOiJSUzI1NiJ9..', `${base64url.encode('{"alg":"RS256"}')}.${base64url.encode('[]')}.x`]) {
      await expect(verifierFor(rsa).verifyAccessToken(token)).rejects.toBeInstanceOf(InvalidTokenError);
    }
  });
});

describe('createJwtVerifier when the keys cannot be had', () => {
  test('JWKS answering 503 → VerifierUnavailableError (the token may be fine)', async () => {
    const token = await signExactly(rsa, claims(rsa));
    rsa.setDown(true);
    try {
      const error = await rejection(verifierFor(rsa).verifyAccessToken(token));
      expect(error).toBeInstanceOf(VerifierUnavailableError);
      expect((error as VerifierUnavailableError).status).toBe(503);
    } finally {
      rsa.setDown(false);
    }
  });

  test('JWKS on a closed port (connection refused) → VerifierUnavailableError', async () => {
    const port = await closedPort();
    const v = createJwtVerifier({
      issuer: rsa.issuer, jwksUri: `http://127.0.0.1:${port}/jwks`, audiences: [AUDIENCE], algorithms: ['RS256'],
      clockSkewSeconds: 30, timeoutMs: 1000, cooldownMs: 30_000,
    });
    await expect(v.verifyAccessToken(await signExactly(rsa, claims(rsa)))).rejects.toBeInstanceOf(VerifierUnavailableError);
  });

  test('JWKS that never answers → VerifierUnavailableError after the timeout', async () => {
    const sockets = new Set<net.Socket>();
    const silent = http.createServer(() => { /* never answers */ });
    silent.on('connection', (s) => sockets.add(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const v = createJwtVerifier({
        issuer: rsa.issuer, jwksUri: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/jwks`, audiences: [AUDIENCE],
        algorithms: ['RS256'], clockSkewSeconds: 30, timeoutMs: 200, cooldownMs: 30_000,
      });
      const started = Date.now();
      await expect(v.verifyAccessToken(await signExactly(rsa, claims(rsa)))).rejects.toBeInstanceOf(VerifierUnavailableError);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  test('JWKS answering something that is not a key set → VerifierUnavailableError', async () => {
    const bogus = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"not":"keys"}'));
    await new Promise<void>((resolve) => bogus.listen(0, '127.0.0.1', resolve));
    try {
      const v = createJwtVerifier({
        issuer: rsa.issuer, jwksUri: `http://127.0.0.1:${(bogus.address() as AddressInfo).port}/jwks`, audiences: [AUDIENCE],
        algorithms: ['RS256'], clockSkewSeconds: 30, timeoutMs: 1000, cooldownMs: 30_000,
      });
      await expect(v.verifyAccessToken(await signExactly(rsa, claims(rsa)))).rejects.toBeInstanceOf(VerifierUnavailableError);
    } finally {
      await new Promise<void>((resolve) => bogus.close(() => resolve()));
    }
  });
});

describe('createJwtVerifier property', () => {
  // JWS-shaped tokens with hostile headers and claims of every type: while the JWKS is up,
  // none of them may look like an outage (503) — only like a bad token (401).
  const json = fc.jsonValue({ maxDepth: 2 });
  const header = fc.record({
    alg: fc.oneof(fc.constantFrom('RS256', 'ES256', 'none', 'HS256', 'EdDSA', 'RSA-OAEP', 'PS256'), json),
    kid: fc.oneof(fc.constant('test-key-1'), json),
    typ: fc.oneof(fc.constant('at+jwt'), json),
    crit: fc.oneof(fc.constant(['b64']), json),
    b64: fc.oneof(fc.boolean(), json),
  }, { requiredKeys: [] });
  const payload = fc.record({
    iss: fc.oneof(fc.constant('ISSUER'), json),
    aud: fc.oneof(fc.constant(AUDIENCE), json),
    sub: fc.oneof(fc.constant('u'), json),
    exp: fc.oneof(fc.constant(now() + 600), json),
    nbf: json,
    iat: json,
    scope: json,
    scp: json,
  }, { requiredKeys: [] });
  const segment = fc.string({ unit: fc.constantFrom(...'ABCabc012-_=+/~.'), maxLength: 30 });
  const token = fc.oneof(
    fc.tuple(header, payload, segment).map(([h, p, s]) =>
      `${base64url.encode(JSON.stringify(h))}.${base64url.encode(JSON.stringify(p).replace('"ISSUER"', JSON.stringify(rsa.issuer)))}.${s}`),
    fc.tuple(segment, segment, segment).map((parts) => parts.join('.')),
  );

  test('no token ever yields an unexpected error or VerifierUnavailableError while the JWKS is up', async () => {
    const v = verifierFor(rsa, { algorithms: ['RS256', 'ES256', 'PS256', 'EdDSA'] });
    await fc.assert(
      fc.asyncProperty(token, async (t) => {
        const error = await rejection(v.verifyAccessToken(t));
        expect(error).toBeInstanceOf(InvalidTokenError);
      }),
      { numRuns: 300 },
    );
  });
});

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
