/**
 * The full OAuth flow, no shortcuts, driven by the MCP SDK client's own OAuth support over
 * Streamable HTTP, against the real stack (development authorization server, NeonPanel
 * sandbox, MCP server configured as in production):
 *
 *   401 with resource_metadata → protected resource metadata → AS metadata → registration →
 *   authorize (login and consent forms submitted over HTTP) → code → exchange with PKCE →
 *   tools/call, through the sandbox.
 */
import { decodeJwt } from 'jose';
import { DEMO_COMPANIES, demoUserByLogin } from '../../src/dev/demoUsers.js';
import { DEFAULT_SCOPES, resourceIdentifiers } from '../../src/config.js';
import { metadataUrlFor } from '../../src/auth/protectedResourceMetadata.js';
import { startE2eStack, type E2eStack } from './stack.js';
import { recordingFetch, stepsInOrder } from './recordingFetch.js';
import { connectWithOAuth, E2E_REDIRECT_URI, signingInProvider, structured, type AuthorizedClient } from './sdkClient.js';

const alice = demoUserByLogin('alice')!;

let stack: E2eStack;
let connected: AuthorizedClient | undefined;

/** What a client learns from an unauthenticated GET /mcp: the challenge and the RFC 9728 document it names. */
async function challengeAndMetadata() {
  const response = await fetch(stack.mcpUrl, { headers: { accept: 'text/event-stream' }, signal: AbortSignal.timeout(5_000) });
  await response.body?.cancel();
  const challenge = response.headers.get('www-authenticate') ?? '';
  const metadataUrl = /resource_metadata="([^"]+)"/.exec(challenge)?.[1] ?? '';
  const document = metadataUrl ? await fetch(metadataUrl, { signal: AbortSignal.timeout(5_000) }) : undefined;
  const metadata = document?.ok ? await document.json() as { resource: string; authorization_servers: string[] } : undefined;
  return { status: response.status, challenge, metadataUrl, metadataStatus: document?.status, metadata };
}

beforeAll(async () => {
  stack = await startE2eStack();
}, 20_000);

afterAll(async () => {
  await connected?.close();
  await stack?.close();
}, 10_000);

it('GET /mcp without a token answers 401 with a challenge naming metadata that points at the AS', async () => {
  const { status, challenge, metadataUrl, metadataStatus, metadata } = await challengeAndMetadata();
  expect(status).toBe(401);
  expect(challenge).toMatch(/^Bearer /);
  expect(challenge).not.toContain('error=');
  // The server's own metadata, at the RFC 9728 well-known URL of one of its resource identifiers.
  expect(resourceIdentifiers(stack.base).map(metadataUrlFor)).toContain(metadataUrl);
  expect(metadataStatus).toBe(200);
  expect(metadata!.authorization_servers).toEqual([stack.as.issuer]);
  expect(resourceIdentifiers(stack.base)).toContain(metadata!.resource);
  expect(metadataUrlFor(metadata!.resource)).toBe(metadataUrl);
});

it('signs in with the SDK client (discovery, DCR, authorize, PKCE exchange) and calls tools', async () => {
  const recorder = recordingFetch();
  const provider = signingInProvider(alice, recorder.fetch);
  connected = await connectWithOAuth('streamable-http', stack.mcpUrl, provider, recorder.fetch);

  const issuer = stack.as.issuer;
  const { metadataUrl: prm, metadata } = await challengeAndMetadata();
  const advertisedResource = metadata!.resource;
  const [unauthorized, , , registration, , , exchange, reconnect] = stepsInOrder(recorder.log, [
    { label: '1. POST /mcp refused', method: 'POST', url: stack.mcpUrl, status: 401 },
    { label: '2. protected resource metadata', method: 'GET', url: prm, status: 200 },
    { label: '3. authorization server metadata', method: 'GET', url: `${issuer}/.well-known/oauth-authorization-server`, status: 200 },
    { label: '4. dynamic client registration', method: 'POST', url: `${issuer}/reg`, status: 201 },
    { label: '5a. authorization endpoint', method: 'GET', url: `${issuer}/auth` },
    { label: '5b. sign-in form submitted', method: 'POST', status: 303 },
    { label: '7. code exchanged', method: 'POST', url: `${issuer}/token`, status: 200, grantType: 'authorization_code' },
    { label: '8. POST /mcp accepted', method: 'POST', url: stack.mcpUrl, status: 200 },
  ]);
  expect(recorder.log[unauthorized!]!.challenge).toContain(`resource_metadata="${prm}"`);
  // One registration and one exchange: the SDK reused what it had stored.
  expect(recorder.log.filter((e) => e.url === `${issuer}/reg`)).toHaveLength(1);
  expect(recorder.log.filter((e) => e.url === `${issuer}/token`)).toHaveLength(1);
  expect(registration).toBeLessThan(exchange!);
  expect(reconnect).toBeGreaterThan(exchange!);
  // The sign-in and consent pages were walked through the interaction endpoints.
  const interactions = recorder.log.filter((e) => e.url.startsWith(`${issuer}/interaction/`));
  expect(interactions.map((e) => `${e.method} ${e.url.slice(issuer.length).replace(/^\/interaction\/[^/]+/, '/interaction/:uid')} ${e.status}`)).toEqual([
    'GET /interaction/:uid 200', // sign-in page
    'POST /interaction/:uid/login 303',
    'GET /interaction/:uid 200', // consent page
    'POST /interaction/:uid/confirm 303',
  ]);

  // 5. What the SDK sent the user to: PKCE S256, this server's resource, the registered client.
  expect(provider.authorizationUrls).toHaveLength(1);
  const authorizationUrl = provider.authorizationUrls[0]!;
  expect(`${authorizationUrl.origin}${authorizationUrl.pathname}`).toBe(`${issuer}/auth`);
  const clientId = provider.clientInformation()!.client_id;
  expect(authorizationUrl.searchParams.get('client_id')).toBe(clientId);
  expect(authorizationUrl.searchParams.get('response_type')).toBe('code');
  expect(authorizationUrl.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authorizationUrl.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(authorizationUrl.searchParams.get('redirect_uri')).toBe(E2E_REDIRECT_URI);
  expect(authorizationUrl.searchParams.get('resource')).toBe(advertisedResource);

  // 6. The redirect back carried a code (and the provider checked its state).
  expect(provider.authorizationCode).toMatch(/^[A-Za-z0-9_-]{20,}$/);

  // 7. The token: a JWT from this issuer, for this resource, for alice, with her scopes.
  const tokens = provider.tokens()!;
  expect(tokens.token_type.toLowerCase()).toBe('bearer');
  expect(tokens.refresh_token).toEqual(expect.any(String));
  const claims = decodeJwt(tokens.access_token);
  expect(claims.iss).toBe(issuer);
  expect(claims.aud).toBe(advertisedResource);
  expect(claims.sub).toBe(alice.subject);
  expect(claims['client_id']).toBe(clientId);
  expect(String(claims['scope']).split(' ').sort()).toEqual([...DEFAULT_SCOPES].sort());

  // 8. tools/call: one tool answered by the MCP server, one through the sandbox.
  const { client } = connected;
  const tools = await client.listTools();
  expect(tools.tools.map((t) => t.name)).toEqual(expect.arrayContaining(['neonpanel_whoami', 'neonpanel_companies_list']));

  const whoami = structured(await client.callTool({ name: 'neonpanel_whoami', arguments: {} }));
  expect(whoami['subject']).toBe(alice.subject);
  expect(whoami['clientId']).toBe(clientId);

  const before = stack.sandbox.requests.length;
  const companies = structured(await client.callTool({ name: 'neonpanel_companies_list', arguments: {} }));
  const names = (companies['companies'] as Array<{ uuid: string; name: string }>).map((c) => c.uuid).sort();
  expect(names).toEqual([...alice.companies].sort());
  expect(names).not.toContain(DEMO_COMPANIES[2]!.uuid); // bob's company
  const upstream = stack.sandbox.requests.slice(before).filter((r) => r.path === '/api/v1/companies');
  expect(upstream.length).toBeGreaterThan(0);
  // The sandbox saw alice's own token (forwarded, verified against the AS's JWKS) and no contract break.
  expect(upstream.every((r) => r.subject === alice.subject && r.status === 200 && r.specErrors.length === 0)).toBe(true);
  expect(stack.serverErrors).toEqual([]);
}, 30_000);
