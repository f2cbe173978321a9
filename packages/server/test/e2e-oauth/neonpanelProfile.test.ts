/**
 * The full OAuth flow as a real NeonPanel user meets it, no shortcuts: the development
 * authorization server in its `neonpanel` profile (OpenID discovery only, /oauth2/*, only
 * `openid`, aud = the client id) and the MCP server started with only OAUTH_PROFILE=neonpanel,
 * OAUTH_ISSUER, PUBLIC_BASE_URL and NEONPANEL_API_BASE. The MCP SDK's own OAuth client signs
 * in over Streamable HTTP and legacy SSE; the MCP Inspector CLI uses a minted token.
 */
import { decodeJwt } from 'jose';
import { DEMO_COMPANIES, demoUserByLogin } from '../../src/dev/demoUsers.js';
import { obtainToken } from '../../src/dev/authServer/index.js';
import { toolScopesOf } from '../../src/tools/scopes.js';
import { ALL_TOOLS } from '../../src/tools/registry.js';
import { startE2eStack, type E2eStack } from './stack.js';
import { recordingFetch, stepsInOrder } from './recordingFetch.js';
import { connectWithOAuth, signingInProvider, structured, type AuthorizedClient, type TransportKind } from './sdkClient.js';
import { jsonOutput, runInspectorCli } from './inspectorCli.js';

const bob = demoUserByLogin('bob')!;
const TOOL_SCOPES = toolScopesOf(ALL_TOOLS);

let stack: E2eStack;
const opened: AuthorizedClient[] = [];

beforeAll(async () => {
  stack = await startE2eStack({ profile: 'neonpanel' });
}, 20_000);

afterAll(async () => {
  for (const c of opened) await c.close();
  await stack?.close();
}, 10_000);

it('advertises only openid, in the protected-resource metadata and in the challenge', async () => {
  const refused = await fetch(stack.mcpUrl, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{}' });
  expect(refused.status).toBe(401);
  expect(refused.headers.get('www-authenticate')).toContain('scope="openid"');
  const prm = await (await fetch(`${stack.base}/.well-known/oauth-protected-resource/mcp`)).json() as { scopes_supported: string[]; authorization_servers: string[] };
  expect(prm).toMatchObject({ scopes_supported: ['openid'], authorization_servers: [stack.as.issuer] });
});

it.each<[TransportKind, () => string]>([
  ['streamable-http', () => stack.mcpUrl],
  ['sse', () => stack.sseUrl],
])('the SDK client signs in over %s (OpenID discovery, DCR at /oauth2/register, openid) and every tool scope is granted', async (kind, url) => {
  const recorder = recordingFetch();
  const provider = signingInProvider(bob, recorder.fetch);
  const connected = await connectWithOAuth(kind, url(), provider, recorder.fetch);
  opened.push(connected);

  const issuer = stack.as.issuer;
  stepsInOrder(recorder.log, [
    { label: '1. refused', url: url(), status: 401 },
    { label: '2. protected resource metadata', method: 'GET', status: 200 },
    { label: '3a. no RFC 8414 document', method: 'GET', url: `${issuer}/.well-known/oauth-authorization-server`, status: 404 },
    { label: '3b. OpenID discovery', method: 'GET', url: `${issuer}/.well-known/openid-configuration`, status: 200 },
    { label: '4. dynamic client registration', method: 'POST', url: `${issuer}/oauth2/register`, status: 201 },
    { label: '5. sign-in form submitted', method: 'POST', status: 303 },
    { label: '6. code exchanged', method: 'POST', url: `${issuer}/oauth2/token`, status: 200, grantType: 'authorization_code' },
  ]);
  const authorizationUrl = provider.authorizationUrls[0]!;
  expect(`${authorizationUrl.origin}${authorizationUrl.pathname}`).toBe(`${issuer}/oauth2/authorize`);
  expect(authorizationUrl.searchParams.get('scope')).toBe('openid');
  expect(authorizationUrl.searchParams.get('code_challenge_method')).toBe('S256');

  const clientId = provider.clientInformation()!.client_id;
  const claims = decodeJwt(provider.tokens()!.access_token);
  expect(claims).toMatchObject({ iss: issuer, sub: bob.subject, aud: clientId, scope: 'openid' });

  const { client } = connected;
  const whoami = structured(await client.callTool({ name: 'neonpanel_whoami', arguments: {} }));
  expect(whoami['subject']).toBe(bob.subject);
  expect(whoami['clientId']).toBe(clientId);
  expect(whoami['scopes']).toEqual(expect.arrayContaining(['openid', ...TOOL_SCOPES]));

  // Bob may call every tool now; NeonPanel (the sandbox) decides per company.
  const companies = structured(await client.callTool({ name: 'neonpanel_companies_list', arguments: {} }));
  expect((companies['companies'] as Array<{ uuid: string }>).map((c) => c.uuid)).toEqual(bob.companies);
  const inventory = await client.callTool({ name: 'neonpanel_inventory_search', arguments: { company: bob.companies[0]!, per_page: 10 } });
  expect({ isError: inventory.isError ?? false, content: inventory.isError ? inventory.content : [] }).toEqual({ isError: false, content: [] });
  const notHis = await client.callTool({ name: 'neonpanel_inventory_search', arguments: { company: DEMO_COMPANIES[0]!.uuid } });
  expect(notHis.isError).toBe(true);
  expect(stack.serverErrors).toEqual([]);
}, 30_000);

it('the MCP Inspector CLI lists and calls tools with a minted openid token, over HTTP and SSE', async () => {
  const { tokens } = await obtainToken({ issuer: stack.as.issuer, user: bob.login });
  const token = tokens.access_token;
  const list = await runInspectorCli({ url: stack.mcpUrl, transport: 'http', token, args: ['--method', 'tools/list'] });
  expect({ code: list.code, timedOut: list.timedOut }).toEqual({ code: 0, timedOut: false });
  expect((jsonOutput(list)['result'] as { tools: Array<{ name: string }> }).tools.map((t) => t.name)).toContain('neonpanel_companies_list');
  const call = await runInspectorCli({
    url: stack.sseUrl, transport: 'sse', token, args: ['--method', 'tools/call', '--tool-name', 'neonpanel_companies_list'],
  });
  expect({ code: call.code, timedOut: call.timedOut }).toEqual({ code: 0, timedOut: false });
  const result = jsonOutput(call)['result'] as { isError?: boolean; structuredContent: { companies: Array<{ uuid: string }> } };
  expect(result.isError ?? false).toBe(false);
  expect(result.structuredContent.companies.map((c) => c.uuid)).toEqual(bob.companies);
  expect(`${call.stdout}${call.stderr}`).not.toContain(token);
}, 60_000);
