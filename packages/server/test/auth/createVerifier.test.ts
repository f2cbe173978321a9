import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createVerifier } from '../../src/auth/createVerifier.js';
import { InvalidTokenError } from '../../src/auth/errors.js';
import { SignJWT } from 'jose';
import { loadConfig } from '../../src/config.js';
import { startTestIssuer, type TestIssuer } from '../helpers/keys.js';

const BASE = 'https://mcp.example.com';

let issuer: TestIssuer;
let introspection: http.Server;
let introspectionUrl: string;
const introspected: string[] = [];

beforeAll(async () => {
  issuer = await startTestIssuer();
  introspection = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const token = new URLSearchParams(raw).get('token') ?? '';
      introspected.push(token);
      const active = token === 'opaque-good';
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(
        active ? { active, sub: 'opaque-user', iss: issuer.issuer, aud: `${BASE}/mcp`, exp: Math.floor(Date.now() / 1000) + 600 } : { active },
      ));
    });
  });
  await new Promise<void>((resolve) => introspection.listen(0, '127.0.0.1', resolve));
  introspectionUrl = `http://127.0.0.1:${(introspection.address() as AddressInfo).port}/introspect`;
});

afterAll(async () => {
  await issuer.close();
  await new Promise<void>((resolve) => introspection.close(() => resolve()));
});

describe('createVerifier (from configuration)', () => {
  test('with both a JWKS and an introspection endpoint, JWTs go to the JWKS and opaque tokens to introspection', async () => {
    const verifier = createVerifier(loadConfig({
      NODE_ENV: 'test',
      PUBLIC_BASE_URL: BASE,
      OAUTH_ISSUER: issuer.issuer,
      OAUTH_JWKS_URI: issuer.jwksUri,
      OAUTH_INTROSPECTION_URL: introspectionUrl,
      OAUTH_CLIENT_ID: 'gateway',
    }), { toolScopes: [] });
    introspected.length = 0;
    const jwt = await issuer.sign({ sub: 'jwt-user', aud: `${BASE}/mcp` });
    expect((await verifier.verifyAccessToken(jwt)).extra?.['subject']).toBe('jwt-user');
    expect(introspected).toEqual([]);
    expect((await verifier.verifyAccessToken('opaque-good')).extra?.['subject']).toBe('opaque-user');
    expect(introspected).toEqual(['opaque-good']);
    await expect(verifier.verifyAccessToken('opaque-bad')).rejects.toBeInstanceOf(InvalidTokenError);
  });

  test('OAUTH_ACCEPT_PLAIN_JWT reaches the JWT verifier: a typ JWT token is refused without it and accepted with it', async () => {
    const env = { NODE_ENV: 'test', PUBLIC_BASE_URL: BASE, OAUTH_ISSUER: issuer.issuer, OAUTH_JWKS_URI: issuer.jwksUri };
    const plain = await new SignJWT({ sub: 'u', aud: BASE, jti: 'p1' }).setProtectedHeader({ alg: 'RS256', kid: issuer.kid, typ: 'JWT' })
      .setIssuer(issuer.issuer).setIssuedAt().setExpirationTime('5m').sign(issuer.privateKey);
    await expect(createVerifier(loadConfig(env), { toolScopes: [] }).verifyAccessToken(plain)).rejects.toBeInstanceOf(InvalidTokenError);
    const accepted = await createVerifier(loadConfig({ ...env, OAUTH_ACCEPT_PLAIN_JWT: 'true' }), { toolScopes: [] }).verifyAccessToken(plain);
    expect(accepted.extra?.['subject']).toBe('u');
  });

  test('the default audiences are the advertised resources: base, base/mcp and base/sse', async () => {
    const verifier = createVerifier(loadConfig({ NODE_ENV: 'test', PUBLIC_BASE_URL: BASE, OAUTH_ISSUER: issuer.issuer, OAUTH_JWKS_URI: issuer.jwksUri }), { toolScopes: [] });
    for (const aud of [BASE, `${BASE}/mcp`, `${BASE}/sse`, `${BASE}/`]) {
      const info = await verifier.verifyAccessToken(await issuer.sign({ sub: 'u', aud }));
      expect(info.resource?.href).toBe(new URL(aud).href);
    }
    await expect(verifier.verifyAccessToken(await issuer.sign({ sub: 'u', aud: `${BASE}/other` }))).rejects.toBeInstanceOf(InvalidTokenError);
  });

  test('an issuer configured with a trailing slash accepts the tokens that issuer signs (iss compared as configured)', async () => {
    // Authorization servers such as Auth0 put a trailing slash in `iss`; the operator copies it into OAUTH_ISSUER.
    const configured = `${issuer.issuer}/`;
    const verifier = createVerifier(loadConfig({ NODE_ENV: 'test', PUBLIC_BASE_URL: BASE, OAUTH_ISSUER: configured, OAUTH_JWKS_URI: issuer.jwksUri }), { toolScopes: [] });
    const token = await issuer.sign({ sub: 'u', aud: BASE, iss: configured });
    await expect(verifier.verifyAccessToken(token)).resolves.toMatchObject({ extra: { subject: 'u' } });
  });
});
