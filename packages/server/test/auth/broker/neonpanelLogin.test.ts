/**
 * The NeonPanel leg's ID-token check: who signed in is learned only from an ID token that
 * NeonPanel signed, for our client, carrying the nonce of this sign-in.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { staticMetadataSource } from '../../../src/auth/authorizationServerMetadata.js';
import { createNeonPanelLogin, UpstreamLoginError } from '../../../src/auth/broker/neonpanelLogin.js';

let server: http.Server;
let issuer: string;
let key: CryptoKey;

beforeAll(async () => {
  const pair = await generateKeyPair('ES256');
  key = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'np', alg: 'ES256', use: 'sig' };
  server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

function login() {
  return createNeonPanelLogin({
    metadata: staticMetadataSource({ issuer, authorization_endpoint: `${issuer}/oauth2/authorize`, token_endpoint: `${issuer}/oauth2/token`, jwks_uri: `${issuer}/jwks` }),
    clientId: 'our-client',
    clientSecret: 'secret',
    redirectUri: 'https://mcp.example.com/oauth/neonpanel/callback',
    timeoutMs: 2_000,
    clockSkewSeconds: 5,
  });
}

const idToken = (claims: Record<string, unknown>, signer: CryptoKey = key) =>
  new SignJWT({ nonce: 'n-1', ...claims }).setProtectedHeader({ alg: 'ES256', kid: 'np' })
    .setIssuer(String(claims['iss'] ?? issuer)).setAudience(String(claims['aud'] ?? 'our-client')).setSubject('user-1')
    .setIssuedAt().setExpirationTime('5m').sign(signer);

describe('NeonPanel ID-token verification', () => {
  it('learns the subject from a valid ID token', async () => {
    expect(await login().verifyIdToken(await idToken({}), 'n-1')).toBe('user-1');
  });

  it.each([
    ['another nonce', {}, 'n-2'],
    ['another audience', { aud: 'someone-else' }, 'n-1'],
    ['another issuer', { iss: 'https://evil.example' }, 'n-1'],
  ])('refuses %s', async (_label, claims, nonce) => {
    await expect(login().verifyIdToken(await idToken(claims), nonce)).rejects.toBeInstanceOf(UpstreamLoginError);
  });

  it('refuses a token not signed by NeonPanel\'s keys', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    await expect(login().verifyIdToken(await idToken({}, privateKey), 'n-1')).rejects.toBeInstanceOf(UpstreamLoginError);
  });

  it('asks NeonPanel for code + PKCE S256 with scope openid, at its discovered endpoint', async () => {
    const url = new URL(await login().authorizationUrl({ state: 's', nonce: 'n', codeChallenge: 'c' }));
    expect(`${url.origin}${url.pathname}`).toBe(`${issuer}/oauth2/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code', client_id: 'our-client', redirect_uri: 'https://mcp.example.com/oauth/neonpanel/callback',
      scope: 'openid', state: 's', nonce: 'n', code_challenge: 'c', code_challenge_method: 'S256',
    });
  });
});
