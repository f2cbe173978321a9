/**
 * The development authorization server's `neonpanel` profile: it must behave as NeonPanel's
 * published API document says (API 1.2.0-beta), so `pnpm dev` and the tests meet production's
 * reality: OpenID discovery only, /.well-known/jwks.json, /oauth2/*, only `openid`, no
 * resource indicators (aud = the client id), Passport-shaped tokens.
 */
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { DEMO_USERS } from '../../src/dev/demoUsers.js';
import { createJwtVerifier } from '../../src/auth/jwtVerifier.js';
import { obtainToken, startAuthorizationServer, type RunningAuthorizationServer } from '../../src/dev/authServer/index.js';

const BASE = 'http://localhost:3030';
const bob = DEMO_USERS.find((u) => u.login === 'bob')!;
let as: RunningAuthorizationServer;

beforeAll(async () => {
  as = await startAuthorizationServer({ port: 0, profile: 'neonpanel', resources: [BASE, `${BASE}/mcp`, `${BASE}/sse`] });
});
afterAll(() => as.close());

test('publishes OpenID discovery only, with the /oauth2/* endpoints, the JWKS at /.well-known/jwks.json and only openid', async () => {
  const rfc8414 = await fetch(`${as.issuer}/.well-known/oauth-authorization-server`);
  expect(rfc8414.status).toBe(404);
  const doc = await (await fetch(`${as.issuer}/.well-known/openid-configuration`)).json() as Record<string, unknown>;
  expect(doc).toMatchObject({
    issuer: as.issuer,
    authorization_endpoint: `${as.issuer}/oauth2/authorize`,
    token_endpoint: `${as.issuer}/oauth2/token`,
    registration_endpoint: `${as.issuer}/oauth2/register`,
    jwks_uri: `${as.issuer}/.well-known/jwks.json`,
    scopes_supported: ['openid'],
    code_challenge_methods_supported: ['S256'],
  });
  expect(as.jwksUri).toBe(`${as.issuer}/.well-known/jwks.json`);
  expect(as.scopes).toEqual(['openid']);
  const jwks = await (await fetch(as.jwksUri)).json() as { keys: Array<{ kid?: string; kty: string }> };
  expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', kid: expect.any(String) });
  expect((await fetch(`${as.issuer}/jwks`)).status).toBe(404);
});

test.each([
  ['without a resource parameter', undefined],
  ['ignoring the resource parameter a client sends', `${BASE}/mcp`],
])('issues RS256 JWTs with scope openid and aud = the client id, %s', async (_label, resource) => {
  const { tokens, client } = await obtainToken({ issuer: as.issuer, user: bob.login, ...(resource ? { resource } : {}) });
  expect(tokens.scope).toBe('openid');
  expect(decodeProtectedHeader(tokens.access_token)).toMatchObject({ alg: 'RS256', kid: expect.any(String) });
  const claims = decodeJwt(tokens.access_token);
  expect(claims).toMatchObject({ iss: as.issuer, sub: bob.subject, aud: client.client_id, scope: 'openid', scopes: ['openid'] });
  expect(claims['client_id']).toBeUndefined(); // Passport's shape: the client is only in aud
  expect(tokens.refresh_token).toEqual(expect.any(String));
});

test('never issues a scope it does not define: a request for more still yields openid only', async () => {
  const { tokens } = await obtainToken({ issuer: as.issuer, user: bob.login, scope: 'openid read:inventory' });
  expect(tokens.scope).toBe('openid');
  expect(decodeJwt(tokens.access_token)['scope']).toBe('openid');
});

test("the server's verifier under the neonpanel profile accepts its tokens; under standard it refuses them (no resource audience)", async () => {
  const { tokens } = await obtainToken({ issuer: as.issuer, user: bob.login });
  const common = { issuer: as.issuer, jwksUri: as.jwksUri, audiences: [BASE, `${BASE}/mcp`], algorithms: ['RS256'], clockSkewSeconds: 5, timeoutMs: 2_000, cooldownMs: 0 };
  const info = await createJwtVerifier({ ...common, profile: 'neonpanel' }).verifyAccessToken(tokens.access_token);
  expect(info.scopes).toEqual(['openid']);
  await expect(createJwtVerifier(common).verifyAccessToken(tokens.access_token)).rejects.toThrow(/not issued for this resource/);
});

test("its access token has an access token's shape (jti, scopes); its ID token and refresh token are refused by the server's verifier", async () => {
  const { tokens } = await obtainToken({ issuer: as.issuer, user: bob.login });
  expect(decodeJwt(tokens.access_token)).toMatchObject({ jti: expect.any(String), scopes: ['openid'] });
  const verifier = createJwtVerifier({ issuer: as.issuer, jwksUri: as.jwksUri, audiences: [BASE], algorithms: ['RS256'], clockSkewSeconds: 5, timeoutMs: 2_000, cooldownMs: 0, profile: 'neonpanel' });
  const idToken = (tokens as { id_token?: string }).id_token;
  expect(idToken).toEqual(expect.any(String));
  await expect(verifier.verifyAccessToken(idToken!)).rejects.toThrow(/not an access token/); // no nonce was sent, and this ID token carries no at_hash: it is its missing jti that tells
  await expect(verifier.verifyAccessToken(tokens.refresh_token!)).rejects.toThrow('The access token is malformed or invalid.');
});
