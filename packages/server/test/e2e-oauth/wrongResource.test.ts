/**
 * Wrong resource: the authorization server also serves another resource server
 * (http://localhost:9/other). A token it issues for that resource is genuine (same issuer,
 * same keys, same user, valid scopes), but its `aud` is not this MCP server, so every
 * protected endpoint refuses it with 401 invalid_token. The same user's token for this
 * server's own resource is accepted, which shows the audience is what decides.
 */
import { decodeJwt } from 'jose';
import { obtainToken } from '../../src/dev/authServer/index.js';
import { startE2eStack, type E2eStack } from './stack.js';

const OTHER_RESOURCE = 'http://localhost:9/other';
const SCOPE = 'read:companies read:inventory';

let stack: E2eStack;

beforeAll(async () => {
  stack = await startE2eStack({ extraResources: [OTHER_RESOURCE] });
}, 20_000);

afterAll(async () => {
  await stack?.close();
}, 10_000);

const initialize = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'neonpanel-e2e', version: '1.0.0' } },
});

/** The three protected entry points, each called with `token`; bodies are drained, never printed. */
async function callProtected(token: string) {
  const auth = { authorization: `Bearer ${token}` };
  const attempts = {
    'POST /mcp': fetch(stack.mcpUrl, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: initialize,
    }),
    'GET /sse': fetch(stack.sseUrl, { headers: { ...auth, accept: 'text/event-stream' } }),
    'POST /mcp/tools/call': fetch(`${stack.mcpUrl}/tools/call`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'neonpanel_whoami', arguments: {} }),
    }),
  };
  const results: Record<string, { status: number; challenge: string | null }> = {};
  for (const [name, pending] of Object.entries(attempts)) {
    const response = await pending;
    // An accepted GET /sse is a stream that never ends by itself: cancel it.
    await response.body?.cancel();
    results[name] = { status: response.status, challenge: response.headers.get('www-authenticate') };
  }
  return results;
}

it('refuses a token issued for another resource with 401 invalid_token', async () => {
  const { tokens } = await obtainToken({ issuer: stack.as.issuer, user: 'alice', scope: SCOPE, resource: OTHER_RESOURCE });
  const claims = decodeJwt(tokens.access_token);
  expect(claims.aud).toBe(OTHER_RESOURCE);
  expect(claims.iss).toBe(stack.as.issuer);
  expect(String(claims['scope']).split(' ').sort()).toEqual(SCOPE.split(' ').sort());
  expect(claims.exp! * 1000).toBeGreaterThan(Date.now());

  const results = await callProtected(tokens.access_token);
  for (const [endpoint, { status, challenge }] of Object.entries(results)) {
    expect({ endpoint, status }).toEqual({ endpoint, status: 401 });
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).toContain('error="invalid_token"');
  }
}, 15_000);

it("accepts the same user's token for this server's resource", async () => {
  const { tokens } = await obtainToken({ issuer: stack.as.issuer, user: 'alice', scope: SCOPE, resource: stack.mcpUrl });
  expect(decodeJwt(tokens.access_token).aud).toBe(stack.mcpUrl);

  const results = await callProtected(tokens.access_token);
  expect(Object.fromEntries(Object.entries(results).map(([endpoint, r]) => [endpoint, r.status]))).toEqual({
    'POST /mcp': 200,
    'GET /sse': 200,
    'POST /mcp/tools/call': 200,
  });
  expect(stack.serverErrors).toEqual([]);
}, 15_000);
