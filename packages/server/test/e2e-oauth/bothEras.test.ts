/**
 * One running server, both protocol eras, each through the full OAuth flow (discovery,
 * registration, sign-in, PKCE exchange): the v2 SDK client, which negotiates MCP 2026-07-28
 * and is served statelessly, and the 1.x client over Streamable HTTP and legacy SSE, which
 * initialize sessions. Each then calls a tool answered locally and one through the sandbox.
 */
import { demoUserByLogin } from '../../src/dev/demoUsers.js';
import { startE2eStack, type E2eStack } from './stack.js';
import { recordingFetch } from './recordingFetch.js';
import { connectWithOAuth, signingInProvider, structured } from './sdkClient.js';
import { connectV2WithOAuth } from './v2Client.js';

const alice = demoUserByLogin('alice')!;
const bob = demoUserByLogin('bob')!;

let stack: E2eStack;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  stack = await startE2eStack();
}, 20_000);

afterAll(async () => {
  for (const close of closers) await close().catch(() => {});
  await stack?.close();
}, 10_000);

it('the v2 client signs in, negotiates 2026-07-28 and calls tools without a session', async () => {
  const recorder = recordingFetch();
  const provider = signingInProvider(alice, recorder.fetch);
  const connected = await connectV2WithOAuth(stack.mcpUrl, provider, recorder.fetch);
  closers.push(connected.close);
  const { client } = connected;
  expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
  expect(client.getServerVersion()?.name).toBe('neonpanel-mcp');

  // The flow went through the challenge, registration and one code exchange.
  expect(recorder.log.some((e) => e.method === 'POST' && e.url === stack.mcpUrl && e.status === 401)).toBe(true);
  expect(recorder.log.filter((e) => e.url === `${stack.as.issuer}/reg`)).toHaveLength(1);
  expect(recorder.log.filter((e) => e.url === `${stack.as.issuer}/token`)).toHaveLength(1);

  const sessionsBefore = stack.server.mcp.sessions.size;
  const whoami = structured(await client.callTool({ name: 'neonpanel_whoami', arguments: {} }));
  expect(whoami['subject']).toBe(alice.subject);
  const companies = structured(await client.callTool({ name: 'neonpanel_companies_list', arguments: {} }));
  expect((companies['companies'] as Array<{ uuid: string }>).map((c) => c.uuid).sort()).toEqual([...alice.companies].sort());
  expect(stack.server.mcp.sessions.size).toBe(sessionsBefore); // stateless: no session was made
  expect(stack.serverErrors).toEqual([]);
}, 30_000);

it.each(['streamable-http', 'sse'] as const)('the 1.x client signs in over %s, initializes a session and calls tools', async (kind) => {
  const recorder = recordingFetch();
  const provider = signingInProvider(bob, recorder.fetch);
  const connected = await connectWithOAuth(kind, kind === 'sse' ? stack.sseUrl : stack.mcpUrl, provider, recorder.fetch);
  closers.push(connected.close);
  const { client } = connected;
  expect(client.getServerVersion()?.name).toBe('neonpanel-mcp');
  expect(stack.server.mcp.sessions.size).toBeGreaterThan(0);

  const whoami = structured(await client.callTool({ name: 'neonpanel_whoami', arguments: {} }));
  expect(whoami['subject']).toBe(bob.subject);
  const companies = structured(await client.callTool({ name: 'neonpanel_companies_list', arguments: {} }));
  expect((companies['companies'] as Array<{ uuid: string }>).map((c) => c.uuid)).toEqual([...bob.companies]);
  expect(stack.serverErrors).toEqual([]);
}, 30_000);
