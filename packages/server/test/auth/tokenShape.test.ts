/**
 * Direct-mode token hygiene (auth/tokenShape.ts) through the real JWT verifier: only access
 * tokens pass, whatever else the same issuer signs. Tokens are shaped as real issuers shape them.
 */
import { createJwtVerifier, type JwtVerifierOptions } from '../../src/auth/jwtVerifier.js';
import { AuthError, InvalidTokenError } from '../../src/auth/errors.js';
import { startTestIssuer, type TestIssuer } from '../helpers/keys.js';
import {
  PASSPORT_CLIENT_ID, PASSPORT_REFRESH_TOKEN, PASSPORT_USER_ID,
  cognitoToken, keycloakToken, oidcProviderIdToken, passportAccessToken, passportIdToken, sign, type IssuedToken,
} from '../helpers/issuedTokens.js';

const AUDIENCE = 'https://mcp.example.com/mcp';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await startTestIssuer();
});
afterAll(() => issuer.close());

function verifier(overrides: Partial<JwtVerifierOptions> = {}) {
  return createJwtVerifier({
    issuer: issuer.issuer,
    jwksUri: issuer.jwksUri,
    audiences: [AUDIENCE],
    algorithms: ['RS256'],
    clockSkewSeconds: 30,
    timeoutMs: 1000,
    cooldownMs: 30_000,
    ...overrides,
  });
}

async function refusal(promise: Promise<unknown>): Promise<AuthError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(InvalidTokenError);
  return error as AuthError;
}

describe('under the neonpanel profile', () => {
  const neonpanel = () => verifier({ profile: 'neonpanel' });

  test("NeonPanel's access token (Passport: typ JWT, no kid, microsecond times, jti, scopes) is accepted", async () => {
    const info = await neonpanel().verifyAccessToken(await sign(issuer, passportAccessToken(issuer)));
    expect(info).toMatchObject({ clientId: PASSPORT_CLIENT_ID, scopes: ['openid'], extra: { subject: PASSPORT_USER_ID } });
  });

  test.each<[string, (i: TestIssuer) => IssuedToken, string]>([
    ["NeonPanel's ID token with a nonce", (i) => passportIdToken(i, { nonce: 'n-0S6_WzA2Mj' }), 'The token is an ID token, not an access token.'],
    ["NeonPanel's ID token without a nonce (no jti)", (i) => passportIdToken(i), 'The token has no "jti": it is not an access token.'],
    ["NeonPanel's ID token given a jti, still without a scope claim", (i) => passportIdToken(i, { jti: 'j1' }), 'The token has no scope claim ("scope", "scp" or "scopes"): it is not an access token.'],
    ["the development server's ID token (at_hash)", (i) => oidcProviderIdToken(i), 'The token is an ID token, not an access token.'],
    ['an ID token carrying c_hash, dressed as an access token', (i) => passportAccessToken(i, { c_hash: 'LDktKdoQak3Pk0cnXxCltA' }), 'The token is an ID token, not an access token.'],
    ['an access token without jti', (i) => passportAccessToken(i, { jti: undefined }), 'The token has no "jti": it is not an access token.'],
    ['an access token whose scopes are not strings', (i) => passportAccessToken(i, { scopes: [1, 2] }), 'The token has no scope claim ("scope", "scp" or "scopes"): it is not an access token.'],
    ['a Keycloak refresh token (typ Refresh)', (i) => keycloakToken(i, 'Refresh', { aud: PASSPORT_CLIENT_ID }), 'The token is a refresh token, not an access token.'],
    ['a Keycloak offline token', (i) => keycloakToken(i, 'Offline', { aud: PASSPORT_CLIENT_ID }), 'The token is a refresh token, not an access token.'],
    ['a Keycloak ID token (typ ID)', (i) => keycloakToken(i, 'ID', { aud: PASSPORT_CLIENT_ID }), 'The token is an ID token, not an access token.'],
    ['a Cognito ID token (token_use id)', (i) => cognitoToken(i, 'id'), 'The token is an ID token, not an access token.'],
    ['a token whose header typ says refresh (rt+jwt)', (i) => ({ ...passportAccessToken(i), header: { alg: 'RS256', typ: 'rt+jwt' } }), 'The token is a refresh token, not an access token.'],
    ['a token whose token_use says refresh_token', (i) => passportAccessToken(i, { token_use: 'refresh_token' }), 'The token is a refresh token, not an access token.'],
  ])('%s is refused (401 invalid_token)', async (_label, make, message) => {
    const error = await refusal(neonpanel().verifyAccessToken(await sign(issuer, make(issuer))));
    expect({ message: error.message, status: error.status, code: error.code, reason: error.reason })
      .toEqual({ message, status: 401, code: 'invalid_token', reason: 'not_access_token' });
  });

  test.each<[string, (i: TestIssuer) => IssuedToken]>([
    ['a Keycloak access token (typ Bearer)', (i) => keycloakToken(i, 'Bearer', { aud: PASSPORT_CLIENT_ID })],
    ['a Cognito access token (token_use access)', (i) => cognitoToken(i, 'access')],
    ['an access token with scp instead of scopes', (i) => passportAccessToken(i, { scopes: undefined, scp: ['openid'] })],
  ])('%s is accepted', async (_label, make) => {
    await expect(neonpanel().verifyAccessToken(await sign(issuer, make(issuer)))).resolves.toMatchObject({ scopes: expect.arrayContaining(['openid']) });
  });

  test("NeonPanel's refresh token (an encrypted opaque string) is refused as malformed", async () => {
    const error = await refusal(neonpanel().verifyAccessToken(PASSPORT_REFRESH_TOKEN));
    expect(error.reason).toBe('malformed');
  });
});

describe('under the standard profile', () => {
  const rfc9068 = (typ: string | undefined): IssuedToken => ({
    header: { alg: 'RS256', kid: issuer.kid, ...(typ === undefined ? {} : { typ }) },
    claims: { ...passportAccessToken(issuer).claims, aud: AUDIENCE, scope: 'read:inventory', scopes: undefined },
  });

  test.each(['at+jwt', 'application/at+jwt', 'AT+JWT'])('header typ %s is accepted', async (typ) => {
    await expect(verifier().verifyAccessToken(await sign(issuer, rfc9068(typ)))).resolves.toMatchObject({ scopes: ['read:inventory'] });
  });

  test.each(['JWT', undefined])('header typ %s is refused unless OAUTH_ACCEPT_PLAIN_JWT', async (typ) => {
    const token = await sign(issuer, rfc9068(typ));
    const error = await refusal(verifier().verifyAccessToken(token));
    expect([error.reason, error.message]).toEqual(['not_access_token', 'The token is not an RFC 9068 access token (its header "typ" must be "at+jwt").']);
    await expect(verifier({ acceptPlainJwt: true }).verifyAccessToken(token)).resolves.toMatchObject({ scopes: ['read:inventory'] });
  });

  test('OAUTH_ACCEPT_PLAIN_JWT still refuses ID and refresh tokens', async () => {
    const plain = verifier({ acceptPlainJwt: true });
    const id = await refusal(plain.verifyAccessToken(await sign(issuer, oidcProviderIdToken(issuer, { aud: AUDIENCE }))));
    expect(id.message).toBe('The token is an ID token, not an access token.');
    const refresh = await refusal(plain.verifyAccessToken(await sign(issuer, keycloakToken(issuer, 'Refresh', { aud: AUDIENCE }))));
    expect(refresh.message).toBe('The token is a refresh token, not an access token.');
  });
});
