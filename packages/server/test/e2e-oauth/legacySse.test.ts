/**
 * The same OAuth flow through the legacy HTTP+SSE transport (GET /sse, POST /messages):
 * the SDK's `SSEClientTransport` with an `authProvider` meets 401 on the stream, discovers,
 * registers, signs in, exchanges the code, opens the stream with the token and calls tools.
 */
import { decodeJwt } from 'jose';
import { demoUserByLogin } from '../../src/dev/demoUsers.js';
import { startE2eStack, type E2eStack } from './stack.js';
import { recordingFetch, stepsInOrder } from './recordingFetch.js';
import { connectWithOAuth, signingInProvider, structured, type AuthorizedClient } from './sdkClient.js';

const bob = demoUserByLogin('bob')!;

let stack: E2eStack;
let connected: AuthorizedClient | undefined;

beforeAll(async () => {
  stack = await startE2eStack();
}, 20_000);

afterAll(async () => {
  await connected?.close();
  await stack?.close();
}, 10_000);

it('signs in through the SDK over legacy SSE and calls tools', async () => {
  const recorder = recordingFetch();
  // Bob, not alice: his narrower scopes and other company show the token is his.
  const provider = signingInProvider(bob, recorder.fetch);
  connected = await connectWithOAuth('sse', stack.sseUrl, provider, recorder.fetch);

  const issuer = stack.as.issuer;
  const [refused, metadata] = stepsInOrder(recorder.log, [
    { label: '1. GET /sse refused', method: 'GET', url: stack.sseUrl, status: 401 },
    { label: '2. protected resource metadata', method: 'GET', status: 200 },
    { label: '3. authorization server metadata', method: 'GET', url: `${issuer}/.well-known/oauth-authorization-server`, status: 200 },
    { label: '4. dynamic client registration', method: 'POST', url: `${issuer}/reg`, status: 201 },
    { label: '5a. authorization endpoint', method: 'GET', url: `${issuer}/auth` },
    { label: '5b. sign-in form submitted', method: 'POST', status: 303 },
    { label: '5c. consent given', method: 'POST', status: 303 },
    { label: '7. code exchanged', method: 'POST', url: `${issuer}/token`, status: 200, grantType: 'authorization_code' },
    { label: '8a. stream opened with the token', method: 'GET', url: stack.sseUrl, status: 200 },
    { label: '8b. initialize posted', method: 'POST', url: `${stack.base}/messages`, status: 202 },
  ]);
  const challenge = recorder.log[refused!]!.challenge ?? '';
  const metadataUrl = /resource_metadata="([^"]+)"/.exec(challenge)?.[1];
  expect(metadataUrl).toBeDefined();
  expect(recorder.log[metadata!]!.url).toBe(metadataUrl);

  const authorizationUrl = provider.authorizationUrls[0]!;
  expect(provider.authorizationUrls).toHaveLength(1);
  expect(authorizationUrl.searchParams.get('code_challenge_method')).toBe('S256');
  const claims = decodeJwt(provider.tokens()!.access_token);
  expect(claims.sub).toBe(bob.subject);
  expect(claims.aud).toBe(authorizationUrl.searchParams.get('resource'));
  // Narrowed at consent to what bob may grant.
  expect(String(claims['scope']).split(' ').sort()).toEqual([...bob.scopes].sort());

  const { client } = connected;
  const whoami = structured(await client.callTool({ name: 'neonpanel_whoami', arguments: {} }));
  expect(whoami['subject']).toBe(bob.subject);
  expect([...(whoami['scopes'] as string[])].sort()).toEqual([...bob.scopes].sort());

  const companies = structured(await client.callTool({ name: 'neonpanel_companies_list', arguments: {} }));
  expect((companies['companies'] as Array<{ uuid: string }>).map((c) => c.uuid)).toEqual(bob.companies);
  expect(stack.sandbox.requests.some((r) => r.path === '/api/v1/companies' && r.subject === bob.subject && r.status === 200)).toBe(true);
  expect(stack.serverErrors).toEqual([]);
}, 30_000);
