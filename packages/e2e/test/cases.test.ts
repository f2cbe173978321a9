/**
 * Invariants of the matrix data: the original 19 cases are all there, in their categories,
 * and every entry is well-formed enough for the runner to interpret.
 */
import { isMcpExpectation, MATRIX } from '../src/cases.js';

const names = (category: string) => MATRIX.filter((c) => c.category === category).map((c) => c.name);

describe('the matrix', () => {
  it('holds the 19 original cases in their six categories', () => {
    expect(names('public')).toEqual([
      'GET /health',
      'GET /.well-known/oauth-authorization-server',
      'GET /openapi.json',
      'GET /openapi.yaml',
      'GET /.well-known/ai-plugin.json',
      'GET /mcp/capabilities',
    ]);
    expect(names('no-auth')).toEqual(['GET /sse/', 'POST /mcp/tools/call']);
    // The five original ones, and the query-string token (issue 27: an unverifiable one).
    expect(names('invalid-auth-format')).toHaveLength(6);
    expect(names('bearer-scheme-case')).toEqual([
      'POST /mcp/tools/call with bearer test-token-123',
      'POST /mcp/tools/call with BEARER test-token-123',
      'POST /mcp/tools/call with BeArEr test-token-123',
    ]);
    expect(names('cors').filter((n) => n.startsWith('preflight'))).toHaveLength(2);
    expect(names('www-authenticate')).toHaveLength(1);
  });

  it('names each case once within its category', () => {
    const keys = MATRIX.map((c) => `${c.category} / ${c.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('never judges a 401 or 403 by status alone', () => {
    for (const c of MATRIX) {
      if (isMcpExpectation(c.expect)) continue;
      const status = c.expect.status;
      if (status === 401) {
        expect({ name: c.name, challenge: c.expect.challenge !== undefined, body: c.expect.bodyError }).toEqual({
          name: c.name,
          challenge: true,
          body: 'invalid_token',
        });
      }
    }
  });

  it('marks every case that uses an operator-supplied token as requiring it', () => {
    for (const c of MATRIX) {
      const request = c.request;
      const usesToken = request.kind === 'mcp' || (request.credential !== undefined && request.credential.kind !== 'forged');
      // `broker` selects a mode, not a token; every other requirement is a token the operator gives.
      const requiresAToken = (c.requires ?? []).some((need) => need !== 'broker');
      expect({ name: c.name, requiresAnOption: requiresAToken }).toEqual({ name: c.name, requiresAnOption: usesToken });
    }
  });
});

describe('the current MCP revision (2026-07-28)', () => {
  it('has the cases: discover without and with a token, a tools/call, a header mismatch, and the CORS preflight', () => {
    expect(names('current-revision')).toEqual([
      'server/discover without credentials',
      'preflight OPTIONS /mcp for POST with the 2026-07-28 standard headers',
      'server/discover with the real token',
      'tools/call of the read tool with the real token',
      'Mcp-Name header that disagrees with the body',
    ]);
    const mismatch = MATRIX.find((c) => c.name === 'Mcp-Name header that disagrees with the body')!;
    expect(mismatch.expect).toMatchObject({ status: 400, jsonRpcErrorCode: -32020 });
  });
});
