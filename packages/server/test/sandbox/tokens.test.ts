/**
 * The sandbox takes only access tokens, as NeonPanel's API does: the gateway must never be
 * able to pass it an ID or refresh token and see it work.
 */
import { jwksTokenVerifier } from '../../src/dev/sandbox/tokens.js';
import { startTestIssuer, type TestIssuer } from '../helpers/keys.js';
import { PASSPORT_USER_ID, keycloakToken, oidcProviderIdToken, passportAccessToken, passportIdToken, sign } from '../helpers/issuedTokens.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await startTestIssuer({ layout: 'neonpanel' });
});
afterAll(() => issuer.close());

const verify = (token: string) => jwksTokenVerifier({ issuer: issuer.issuer, jwksUri: issuer.jwksUri })(token);

test("NeonPanel's access token (Passport's shape) and the development server's are accepted", async () => {
  expect(await verify(await sign(issuer, passportAccessToken(issuer)))).toEqual({ subject: PASSPORT_USER_ID });
  expect(await verify(await issuer.sign({ sub: 'user-alice-0001', scope: 'openid', scopes: ['openid'], aud: 'client-1' }))).toEqual({ subject: 'user-alice-0001' });
});

test.each([
  ["NeonPanel's ID token", (i: TestIssuer) => passportIdToken(i, { nonce: 'n' })],
  ["NeonPanel's ID token without a nonce", (i: TestIssuer) => passportIdToken(i)],
  ["the development server's ID token", (i: TestIssuer) => oidcProviderIdToken(i)],
  ['a JWT refresh token', (i: TestIssuer) => keycloakToken(i, 'Refresh')],
])('%s is refused', async (_label, make) => {
  expect(await verify(await sign(issuer, make(issuer)))).toBeUndefined();
});
