/**
 * The matrix against the real gateway: its production build, started as its own process the
 * way the container starts it. Every case must pass, the real-token ones included, with a
 * token signed by the issuer key this test serves.
 */
import { MATRIX, runMatrix, type MatrixReport } from '../src/index.js';
import { renderTable, summaryLine } from '../src/cli.js';
import { startRealServer, type RealServer } from './support/realServer.js';

const ALL_SCOPES = 'read:inventory read:analytics read:companies read:reports read:warehouses read:revenue read:cogs read:landed-cost write:import';

let server: RealServer | undefined;
afterAll(async () => {
  await server?.stop();
});

/** A tool that needs a scope, from the server's own capabilities document, if it has one. */
async function scopedTool(url: string): Promise<{ name: string; scope: string } | undefined> {
  const response = await fetch(`${url}/mcp/capabilities`, { signal: AbortSignal.timeout(5_000) });
  const doc = (await response.json()) as { tools?: Array<{ name: string; requiredScope?: string | null }> };
  const tool = doc.tools?.find((t) => typeof t.requiredScope === 'string');
  return tool ? { name: tool.name, scope: tool.requiredScope as string } : undefined;
}

function explain(report: MatrixReport): string {
  return `${renderTable(report)}\n${summaryLine(report)}\n--- server output ---\n${server?.output() ?? ''}`;
}

it('passes every case against the production build, real-token cases included', async () => {
  server = await startRealServer();
  const token = await server.token({ scope: ALL_SCOPES });
  const probe = await scopedTool(server.url);
  const limited = probe
    ? { limitedToken: await server.token({ scope: ALL_SCOPES.split(' ').filter((s) => s !== probe.scope).join(' ') }), scopeProbeTool: probe.name }
    : {};

  const report = await runMatrix({ url: server.url, token, timeoutMs: 5_000, ...limited });
  // Printed for the record: the table the CLI would show. Not its closing line, which CI
  // would read as this whole test run's count.
  process.stdout.write(`Matrix against the production build at ${server.url}:\n${renderTable(report)}\n`);

  const failures = report.results.filter((r) => !r.ok);
  if (failures.length) throw new Error(`The matrix failed against the real server:\n${explain(report)}`);
  expect(report.unreachable).toBe(false);
  expect(report.failed).toBe(0);
  // Direct mode: the broker cases (test/brokerMode.test.ts) are skipped.
  const expectedSkips = MATRIX.filter((c) => (!probe && c.category === 'scope') || c.category === 'broker').map((c) => c.name);
  expect(report.skipped?.map((s) => s.name)).toEqual(expectedSkips);
  expect(report.passed).toBe(MATRIX.length - expectedSkips.length);
  expect(report.results.filter((r) => r.category === 'real-token').length).toBeGreaterThanOrEqual(9);
  expect(JSON.stringify(report)).not.toContain(token);
  // The default read tool calls NeonPanel, so "a tool call works" proves the upstream leg too.
  // REST, Streamable HTTP, SSE and the 2026-07-28 tools/call: four calls of the read tool, each one upstream.
  expect(server.neonpanelCalls()).toBeGreaterThanOrEqual(4);
}, 120_000);

it('passes every case against the production build in the neonpanel profile (only openid, no aud, discovery only)', async () => {
  await server?.stop();
  server = await startRealServer({ profile: 'neonpanel' });
  const prm = (await (await fetch(`${server.url}/.well-known/oauth-protected-resource`)).json()) as { scopes_supported: string[] };
  expect(prm.scopes_supported).toEqual(['openid']);
  const token = await server.token({ scope: 'openid' });
  // A token with a fine-grained scope gets exactly that scope, so it lacks the probe tool's.
  const probe = await scopedTool(server.url);
  const other = ALL_SCOPES.split(' ').find((s) => s !== probe?.scope);
  const limited = probe ? { limitedToken: await server.token({ scope: `openid ${other}` }), scopeProbeTool: probe.name } : {};

  const report = await runMatrix({ url: server.url, token, timeoutMs: 5_000, ...limited });
  const failures = report.results.filter((r) => !r.ok);
  if (failures.length) throw new Error(`The matrix failed against the neonpanel-profile server:\n${explain(report)}`);
  expect(report.failed).toBe(0);
  expect(report.passed).toBe(MATRIX.length - (report.skipped?.length ?? 0));
  expect(report.results.filter((r) => r.category === 'real-token').length).toBeGreaterThanOrEqual(9);
}, 120_000);
