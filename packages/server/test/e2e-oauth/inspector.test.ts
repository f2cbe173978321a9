/**
 * The MCP Inspector's CLI (@modelcontextprotocol/inspector, a dev dependency) lists and
 * calls tools on the running MCP server with a token minted by the real authorization code
 * flow (`obtainToken`, what `pnpm token` prints), as a developer would from a shell:
 *
 *   mcp-inspector --cli <base>/mcp --transport http --header "Authorization: Bearer $T" --method tools/list
 */
import { obtainToken } from '../../src/dev/authServer/index.js';
import { demoUserByLogin } from '../../src/dev/demoUsers.js';
import { startE2eStack, type E2eStack } from './stack.js';
import { jsonOutput, runInspectorCli, type InspectorRun } from './inspectorCli.js';

const alice = demoUserByLogin('alice')!;
const SCOPE = 'read:companies read:inventory';

let stack: E2eStack;
let token: string;

beforeAll(async () => {
  stack = await startE2eStack();
  ({ tokens: { access_token: token } } = await obtainToken({ issuer: stack.as.issuer, user: alice.login, scope: SCOPE, resource: stack.mcpUrl }));
}, 20_000);

afterAll(async () => {
  await stack?.close();
}, 10_000);

/** Neither stream may carry the token (runInspectorCli puts `<token>` where it was). */
function expectNoToken(run: InspectorRun): void {
  expect(run.stdout).not.toContain('<token>');
  expect(run.stderr).not.toContain('<token>');
}

function expectSucceeded(run: InspectorRun): void {
  expect({ code: run.code, timedOut: run.timedOut, stderr: run.code === 0 ? '' : run.stderr.slice(0, 500) })
    .toEqual({ code: 0, timedOut: false, stderr: '' });
}

it('lists the tools over Streamable HTTP', async () => {
  const run = await runInspectorCli({ url: stack.mcpUrl, transport: 'http', token, args: ['--method', 'tools/list'] });
  expectSucceeded(run);
  expectNoToken(run);
  const result = jsonOutput(run)['result'] as { tools: Array<{ name: string; inputSchema: { type: string } }> };
  const names = result.tools.map((t) => t.name);
  expect(names).toEqual(expect.arrayContaining(['neonpanel_whoami', 'neonpanel_companies_list']));
  expect(result.tools.every((t) => t.inputSchema.type === 'object')).toBe(true);
}, 30_000);

it('calls neonpanel_whoami and a NeonPanel tool over Streamable HTTP', async () => {
  const whoamiRun = await runInspectorCli({
    url: stack.mcpUrl, transport: 'http', token, args: ['--method', 'tools/call', '--tool-name', 'neonpanel_whoami'],
  });
  expectSucceeded(whoamiRun);
  expectNoToken(whoamiRun);
  const whoami = (jsonOutput(whoamiRun)['result'] as { structuredContent: { subject: string; scopes: string[] } }).structuredContent;
  expect(whoami.subject).toBe(alice.subject);
  expect([...whoami.scopes].sort()).toEqual(SCOPE.split(' ').sort());

  const companiesRun = await runInspectorCli({
    url: stack.mcpUrl, transport: 'http', token,
    args: ['--method', 'tools/call', '--tool-name', 'neonpanel_companies_list', '--tool-args-json', '{"per_page":10}'],
  });
  expectSucceeded(companiesRun);
  expectNoToken(companiesRun);
  const result = jsonOutput(companiesRun)['result'] as { isError?: boolean; structuredContent: { companies: Array<{ uuid: string }> } };
  expect(result.isError ?? false).toBe(false);
  expect(result.structuredContent.companies.map((c) => c.uuid).sort()).toEqual([...alice.companies].sort());
  expect(stack.sandbox.requests.some((r) => r.path === '/api/v1/companies' && r.subject === alice.subject && r.query['per_page'] === '10')).toBe(true);
}, 30_000);

it('calls a tool over legacy SSE', async () => {
  const run = await runInspectorCli({
    url: stack.sseUrl, transport: 'sse', token, args: ['--method', 'tools/call', '--tool-name', 'neonpanel_whoami'],
  });
  expectSucceeded(run);
  expectNoToken(run);
  expect((jsonOutput(run)['result'] as { structuredContent: { subject: string } }).structuredContent.subject).toBe(alice.subject);
}, 30_000);

it('fails, without printing the token, when the token is not valid', async () => {
  // The same token with its signature altered: well-formed, but not the AS's.
  const [header, payload, signature] = token.split('.');
  const forged = `${header}.${payload}.${signature!.startsWith('A') ? 'B' : 'A'}${signature!.slice(1)}`;
  const run = await runInspectorCli({ url: stack.mcpUrl, transport: 'http', token: forged, args: ['--method', 'tools/list'] });
  expect(run.timedOut).toBe(false);
  expect(run.code).not.toBe(0);
  expect(run.stdout).not.toContain('"tools"');
  expect(`${run.stdout}\n${run.stderr}`).toMatch(/auth_required|invalid_token|401/);
  expectNoToken(run);
  expect(`${run.stdout}${run.stderr}`).not.toContain(payload!);
}, 30_000);
