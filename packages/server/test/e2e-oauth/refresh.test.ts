/**
 * Refresh: once the access token has expired, the MCP server refuses it (401 invalid_token),
 * and the SDK client renews it with its refresh token, with no new sign-in, and repeats the
 * call, which succeeds. Access tokens live 2 s here, and the MCP server allows no clock skew
 * (OAUTH_CLOCK_SKEW_SECONDS=0), so "expired" comes within the test's time bound.
 */
import { createHash } from 'node:crypto';
import { decodeJwt } from 'jose';
import { demoUserByLogin } from '../../src/dev/demoUsers.js';
import { startE2eStack, type E2eStack } from './stack.js';
import { recordingFetch, stepsInOrder } from './recordingFetch.js';
import { connectWithOAuth, signingInProvider, structured, type AuthorizedClient } from './sdkClient.js';

const TTL_SECONDS = 2;
const alice = demoUserByLogin('alice')!;

/** Compared instead of the tokens themselves, so a failing assertion prints no token. */
const fingerprint = (token: string | undefined) => (token === undefined ? 'none' : createHash('sha256').update(token).digest('hex').slice(0, 16));

let stack: E2eStack;
let connected: AuthorizedClient | undefined;

beforeAll(async () => {
  stack = await startE2eStack({ accessTokenTtlSeconds: TTL_SECONDS, env: { OAUTH_CLOCK_SKEW_SECONDS: '0' } });
}, 20_000);

afterAll(async () => {
  await connected?.close();
  await stack?.close();
}, 10_000);

it('renews an expired access token with the refresh token and repeats the call', async () => {
  const recorder = recordingFetch();
  const provider = signingInProvider(alice, recorder.fetch);
  connected = await connectWithOAuth('streamable-http', stack.mcpUrl, provider, recorder.fetch);
  const { client } = connected;

  const first = provider.tokens()!;
  expect(first.expires_in).toBe(TTL_SECONDS);
  expect(first.refresh_token).toEqual(expect.any(String));
  const firstWhoami = structured(await client.callTool({ name: 'neonpanel_whoami', arguments: {} }));
  expect(firstWhoami['subject']).toBe(alice.subject);

  // Past `exp`, plus the 1 s granularity of JWT times.
  const exp = decodeJwt(first.access_token).exp!;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, exp * 1000 - Date.now()) + 1_100));
  recorder.clear();

  const afterExpiry = structured(await client.callTool({ name: 'neonpanel_whoami', arguments: {} }));

  const [refused] = stepsInOrder(recorder.log, [
    { label: 'expired token refused', method: 'POST', url: stack.mcpUrl, status: 401 },
    { label: 'refresh grant', method: 'POST', url: `${stack.as.issuer}/token`, status: 200, grantType: 'refresh_token' },
    { label: 'call repeated with the new token', method: 'POST', url: stack.mcpUrl, status: 200 },
  ]);
  expect(recorder.log[refused!]!.challenge).toMatch(/error="invalid_token"/);
  // Renewed, not re-authorized: no second sign-in, no new registration, one token request.
  expect(provider.authorizationUrls).toHaveLength(1);
  expect(recorder.log.filter((e) => e.url.startsWith(`${stack.as.issuer}/interaction/`) || e.url === `${stack.as.issuer}/reg`)).toEqual([]);
  expect(recorder.log.filter((e) => e.url === `${stack.as.issuer}/token`)).toHaveLength(1);

  const renewed = provider.tokens()!;
  expect(fingerprint(renewed.access_token)).not.toBe(fingerprint(first.access_token));
  // Rotation: the spent refresh token was replaced.
  expect(fingerprint(renewed.refresh_token)).not.toBe(fingerprint(first.refresh_token));
  const renewedClaims = decodeJwt(renewed.access_token);
  expect(renewedClaims.sub).toBe(alice.subject);
  expect(renewedClaims.exp!).toBeGreaterThan(exp);

  expect(afterExpiry['subject']).toBe(alice.subject);
  expect(afterExpiry['clientId']).toBe(firstWhoami['clientId']);
  expect(Date.parse(String(afterExpiry['expiresAt']))).toBe(renewedClaims.exp! * 1000);

  // The renewed token also works upstream: the sandbox verifies it against the AS's keys.
  const companies = structured(await client.callTool({ name: 'neonpanel_companies_list', arguments: {} }));
  expect((companies['companies'] as Array<{ uuid: string }>).map((c) => c.uuid).sort()).toEqual([...alice.companies].sort());
  expect(stack.serverErrors).toEqual([]);
}, 20_000);
