/**
 * The REST façade: same registry and the same auth and scope rules as MCP tools/call.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestIssuer, type TestIssuer } from '../helpers/keys.js';
import { claimsFor, startTestServer, type TestServer } from '../helpers/server.js';
import { testRegistry } from '../helpers/transportTools.js';

let issuer: TestIssuer;
let server: TestServer;
beforeAll(async () => {
  issuer = await startTestIssuer();
  server = await startTestServer(issuer, {}, { registry: testRegistry() });
});
afterAll(async () => {
  await server.shutdown();
  await issuer.close();
});

async function call(token: string | undefined, body: unknown) {
  return fetch(`${server.base}/mcp/tools/call`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
}

describe('POST /mcp/tools/call', () => {
  it('answers {content, structuredContent, isError}', async () => {
    const token = await issuer.sign(claimsFor(server.base, { sub: 'rest-user' }));
    const response = await call(token, { name: 'test_echo', arguments: { text: 'hi' } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as any;
    expect(body).toEqual({
      content: [{ type: 'text', text: JSON.stringify({ text: 'hi', subject: 'rest-user' }) }],
      structuredContent: { text: 'hi', subject: 'rest-user' },
      isError: false,
    });
  });

  it('reports invalid arguments as a tool error the model can read', async () => {
    const token = await issuer.sign(claimsFor(server.base));
    const body = (await (await call(token, { name: 'test_echo', arguments: { text: 1 } })).json()) as any;
    expect(body.isError).toBe(true);
    expect(body.content[0].text).toMatch(/Invalid arguments for test_echo/);
  });

  it('answers 404 for an unknown tool and 400 for a body that is not a call', async () => {
    const token = await issuer.sign(claimsFor(server.base));
    expect((await call(token, { name: 'nope', arguments: {} })).status).toBe(404);
    expect((await call(token, { arguments: {} })).status).toBe(400);
    expect((await call(token, { name: 'test_echo', arguments: [1] })).status).toBe(400);
  });

  it('applies the tool scope: 403 insufficient_scope naming it', async () => {
    const token = await issuer.sign(claimsFor(server.base, { scope: 'read:companies' }));
    const response = await call(token, { name: 'test_inventory_probe', arguments: {} });
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toContain('scope="read:inventory"');
    expect((await response.json()) as any).toMatchObject({ error: 'insufficient_scope' });
  });

  it('requires a bearer token', async () => {
    const response = await call(undefined, { name: 'test_echo', arguments: { text: 'x' } });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).not.toContain('error=');
  });
});
