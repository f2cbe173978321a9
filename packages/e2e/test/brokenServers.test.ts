/**
 * Proof that the gate can fail: the matrix against servers broken on purpose. A correct
 * fake passes every token-less case, and each flaw fails exactly the cases that should
 * catch it — no fewer (the gate sees it), no more (the verdicts are precise).
 */
import { MATRIX, runMatrix, type MatrixReport } from '../src/index.js';
import { isMcpExpectation } from '../src/cases.js';
import { FAKE_LIMITED_TOKEN, startFakeServer, type FakeServer, type Flaw } from './support/fakeServer.js';

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function runAgainst(flaw?: Flaw, extra: { token?: string; limitedToken?: string; scopeProbeTool?: string } = {}): Promise<MatrixReport> {
  server = await startFakeServer(flaw);
  return runMatrix({ url: server.url, timeoutMs: 3_000, ...extra });
}

const failing = (report: MatrixReport): string[] =>
  report.results.filter((r) => !r.ok).map((r) => `${r.category} / ${r.name}`).sort();

const tokenless = MATRIX.filter((c) => !c.requires?.length);

describe('the matrix against deliberately broken servers', () => {
  it('passes every token-less case on a correct fake (so each failure below is the flaw\'s)', async () => {
    const report = await runAgainst();
    expect(failing(report)).toEqual([]);
    expect(report.unreachable).toBe(false);
    expect(report.passed).toBe(tokenless.length);
    expect(report.passed).toBeGreaterThanOrEqual(19);
    expect(report.skipped?.map((s) => s.name)).toEqual(MATRIX.filter((c) => c.requires?.length).map((c) => c.name));
  });

  it('fails every /sse/ case when /sse/ serves its stream without auth', async () => {
    const report = await runAgainst('sse-without-auth');
    expect(failing(report)).toEqual([
      'forged-token / wrong signature on GET /sse/',
      'invalid-auth-format / GET /sse/ with Basic',
      'invalid-auth-format / GET /sse/ with BearerTOKEN123',
      'invalid-auth-format / GET /sse/ with X-API-Key',
      'legacy-sse / GET /sse/ with Bearer test-token-123',
      'no-auth / GET /sse/',
      'www-authenticate / GET /sse/ challenge points to RFC 9728 metadata',
    ]);
    const sse = report.results.find((r) => r.name === 'GET /sse/' && r.category === 'no-auth');
    expect(sse?.got).toMatch(/^200 text\/event-stream -- status 200, want 401/);
  });

  it('fails the preflights when Authorization is not in the CORS allow-list', async () => {
    const report = await runAgainst('cors-without-authorization');
    expect(failing(report)).toEqual([
      'cors / preflight OPTIONS /mcp/tools/call for POST with Authorization, Content-Type',
      'cors / preflight OPTIONS /sse/ for GET with Authorization',
      'current-revision / preflight OPTIONS /mcp for POST with the 2026-07-28 standard headers',
      'streamable-http / preflight OPTIONS /mcp for DELETE with Authorization and Mcp-Session-Id',
      'streamable-http / preflight OPTIONS /mcp for POST with Authorization and MCP headers',
    ]);
    expect(report.results.find((r) => r.name === 'preflight OPTIONS /sse/ for GET with Authorization')?.got).toContain(
      'Allow-Headers lacks authorization',
    );
  });

  it('fails every unverifiable and forged token when only the header format is checked', async () => {
    const report = await runAgainst('format-only-token-check');
    expect(failing(report)).toEqual([
      'bearer-scheme-case / POST /mcp/tools/call with BEARER test-token-123',
      'bearer-scheme-case / POST /mcp/tools/call with BeArEr test-token-123',
      'bearer-scheme-case / POST /mcp/tools/call with bearer test-token-123',
      'forged-token / alg none on POST /mcp',
      'forged-token / alg none on POST /mcp/tools/call',
      'forged-token / expired on POST /mcp/tools/call',
      'forged-token / wrong signature on GET /sse/',
      'forged-token / wrong signature on POST /mcp/tools/call',
      'legacy-sse / GET /sse/ with Bearer test-token-123',
      'streamable-http / POST /mcp with Bearer test-token-123',
    ]);
  });

  it('fails every challenge case when the challenge has no realm or resource_metadata and always an error code', async () => {
    const report = await runAgainst('wrong-challenge');
    const expectsChallenge = tokenless
      .filter((c) => !isMcpExpectation(c.expect) && c.expect.challenge !== undefined)
      .map((c) => `${c.category} / ${c.name}`)
      .sort();
    expect(expectsChallenge.length).toBeGreaterThan(20);
    expect(failing(report)).toEqual(expectsChallenge);
    const noAuth = report.results.find((r) => r.category === 'no-auth' && r.name === 'GET /sse/');
    expect(noAuth?.got).toContain('challenge has no realm');
    expect(noAuth?.got).toContain('challenge has error="invalid_token" but no credentials were sent');
    expect(noAuth?.got).toContain('challenge has no resource_metadata');
  });

  it('fails discovery and both challenge follow-ups when the metadata names another resource', async () => {
    const report = await runAgainst('metadata-wrong-resource');
    expect(failing(report)).toEqual([
      'current-revision / server/discover without credentials',
      'discovery / GET /.well-known/oauth-protected-resource',
      'streamable-http / POST /mcp challenge points to RFC 9728 metadata',
      'www-authenticate / GET /sse/ challenge points to RFC 9728 metadata',
    ]);
    expect(report.results.find((r) => r.category === 'discovery' && r.name === 'GET /.well-known/oauth-protected-resource')?.got).toContain(
      'resource https://elsewhere.example does not match',
    );
  });

  it('passes the scope case when a limited token is refused with 403 insufficient_scope, and fails it when it is not', async () => {
    const limited = { limitedToken: FAKE_LIMITED_TOKEN, scopeProbeTool: 'neonpanel_import_document' };
    const good = await runAgainst(undefined, limited);
    expect(failing(good)).toEqual([]);
    expect(good.results.find((r) => r.category === 'scope')?.got).toBe('403 application/json Bearer(insufficient_scope) body=insufficient_scope');
    await server?.close();

    const broken = await runAgainst('scope-not-enforced', limited);
    expect(failing(broken)).toEqual(['scope / limited token calling the scope-probe tool']);
  });

  it('never puts the token in the report, even when the server echoes it back', async () => {
    const token = 'e2e-secret-token-0123456789abcdef';
    const report = await runAgainst('echoes-credentials', { token });
    // The echo really reached the verdicts: the real-token cases fail on it.
    const realToken = report.results.filter((r) => r.category === 'real-token');
    expect(realToken.length).toBeGreaterThan(0);
    expect(realToken.filter((r) => !r.ok).length).toBeGreaterThan(0);
    expect(report.results.some((r) => r.got.includes('[redacted]'))).toBe(true);
    expect(JSON.stringify(report)).not.toContain(token);
  });
});
