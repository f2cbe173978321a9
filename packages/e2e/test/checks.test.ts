/**
 * The parts of the judging that a fake server does not reach: CORS wildcards and the
 * RFC 9728 metadata-URL arithmetic.
 */
import { advertisedFrom, challengeScopeProblems, consistencyProblems, corsProblems, resourceForMetadataUrl } from '../src/checks.js';
import { discoverResultProblems, modernToolResultProblems } from '../src/documents.js';

const headers = (h: Record<string, string>) => new Headers(h);

describe('CORS checks', () => {
  it('does not let "*" stand in for Authorization (the Fetch standard requires it by name)', () => {
    const h = headers({ 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': '*', 'Access-Control-Expose-Headers': '*' });
    expect(corsProblems(h, { allowHeaders: ['content-type'], exposeHeaders: ['www-authenticate'] }, undefined)).toEqual([]);
    expect(corsProblems(h, { allowHeaders: ['authorization'] }, undefined)).toEqual(['Allow-Headers lacks authorization']);
  });

  it('accepts the request origin echoed back, and nothing else', () => {
    const echoed = headers({ 'Access-Control-Allow-Origin': 'https://chatgpt.com' });
    expect(corsProblems(echoed, {}, 'https://chatgpt.com')).toEqual([]);
    expect(corsProblems(echoed, {}, 'https://claude.ai')).toEqual(['Access-Control-Allow-Origin is https://chatgpt.com']);
    expect(corsProblems(headers({}), {}, undefined)).toEqual(['Access-Control-Allow-Origin is absent']);
  });

  it('matches header and method names case-insensitively', () => {
    const h = headers({ 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': 'Authorization,Mcp-Session-Id', 'Access-Control-Allow-Methods': 'get, delete' });
    expect(corsProblems(h, { allowHeaders: ['authorization', 'mcp-session-id'], allowMethods: ['DELETE'] }, undefined)).toEqual([]);
    expect(corsProblems(h, { allowMethods: ['PUT'] }, undefined)).toEqual(['Allow-Methods lacks PUT']);
  });
});

describe('resource for a metadata URL (RFC 9728 §3.1 reversed)', () => {
  it.each([
    ['https://mcp.example/.well-known/oauth-protected-resource', 'https://mcp.example'],
    ['https://mcp.example/.well-known/oauth-protected-resource/mcp', 'https://mcp.example/mcp'],
    ['https://mcp.example/.well-known/oauth-protected-resource/sse/', 'https://mcp.example/sse'],
    ['https://mcp.example/.well-known/oauth-protected-resourcex', undefined],
    ['https://mcp.example/metadata', undefined],
  ])('%s -> %s', (url, resource) => {
    expect(resourceForMetadataUrl(new URL(url))).toBe(resource);
  });
});

describe('consistency with what the server advertises (no assumed scope names)', () => {
  const neonpanel = advertisedFrom({ scopes_supported: ['openid'], authorization_servers: ['https://my.neonpanel.com'] });

  it('reads scopes and authorization servers from the root document, or nothing', () => {
    expect(neonpanel).toEqual({ scopes: ['openid'], authorizationServers: ['https://my.neonpanel.com'] });
    expect(advertisedFrom({ scopes_supported: ['openid'] })).toBeUndefined();
    expect(advertisedFrom(undefined)).toBeUndefined();
  });

  it('a challenge may name only advertised scopes, and never offline_access', () => {
    expect(challengeScopeProblems('openid', neonpanel)).toEqual([]);
    expect(challengeScopeProblems('read:inventory openid', neonpanel)).toEqual(['challenge scope names read:inventory, not in scopes_supported (openid)']);
    expect(challengeScopeProblems('openid offline_access', undefined)).toEqual(['challenge scope names offline_access']);
  });

  it('a path-inserted document must advertise what the root one does', () => {
    expect(consistencyProblems('protected-resource-metadata', { scopes_supported: ['openid'], authorization_servers: ['https://my.neonpanel.com'] }, neonpanel)).toEqual([]);
    expect(consistencyProblems('protected-resource-metadata', { scopes_supported: ['read:inventory'], authorization_servers: ['https://my.neonpanel.com'] }, neonpanel))
      .toEqual(['scopes_supported differs from the root document\'s (read:inventory vs openid)']);
    expect(consistencyProblems('protected-resource-metadata', { scopes_supported: ['openid'], authorization_servers: ['https://elsewhere.example'] }, neonpanel))
      .toEqual(["authorization_servers differ from the root document's"]);
  });

  it("the mirrored authorization-server metadata must be the advertised issuer's and list every advertised scope", () => {
    expect(consistencyProblems('authorization-server-metadata', { issuer: 'https://my.neonpanel.com/', scopes_supported: ['openid'] }, neonpanel)).toEqual([]);
    expect(consistencyProblems('authorization-server-metadata', { issuer: 'https://other.example', scopes_supported: ['profile'] }, neonpanel)).toEqual([
      'issuer https://other.example is not an advertised authorization server',
      'advertised scopes the authorization server does not list: openid',
    ]);
  });
});

describe('MCP 2026-07-28 result checks', () => {
  const discover = { jsonrpc: '2.0', id: 1, result: { resultType: 'complete', supportedVersions: ['2026-07-28', '2025-11-25'], capabilities: { tools: {} } } };

  it('accepts a discover result and names what a wrong one lacks', () => {
    expect(discoverResultProblems(discover)).toEqual([]);
    expect(discoverResultProblems({ ...discover, result: { ...discover.result, resultType: undefined } })).toEqual(['resultType is absent, want "complete"']);
    expect(discoverResultProblems({ ...discover, result: { ...discover.result, supportedVersions: ['2025-11-25'] } })).toEqual(['supportedVersions ["2025-11-25"] lacks 2026-07-28']);
    expect(discoverResultProblems({ jsonrpc: '2.0', id: 1, error: { code: -32601, message: 'Method not found' } })).toEqual([
      'JSON-RPC error {"code":-32601,"message":"Method not found"}',
    ]);
  });

  it('refuses a tool result that is an error, or a legacy result without resultType', () => {
    const ok = { jsonrpc: '2.0', id: 1, result: { resultType: 'complete', content: [] } };
    expect(modernToolResultProblems(ok)).toEqual([]);
    expect(modernToolResultProblems({ ...ok, result: { ...ok.result, isError: true } })).toEqual(['isError: []']);
    expect(modernToolResultProblems({ jsonrpc: '2.0', id: 1, result: { content: [] } })).toEqual(['resultType is absent, want "complete"']);
  });
});
