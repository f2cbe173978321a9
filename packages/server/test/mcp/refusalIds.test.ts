/**
 * A refused request's JSON-RPC error carries that request's id — for the limits and for the
 * transport's own refusals (unknown session, unsupported MCP-Protocol-Version, wrong
 * Content-Type, header/body mismatch) — and where no id can be read the answer has no `id`
 * member at all: the MCP schema allows a string, an integer or none, never `null`.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestIssuer, type TestIssuer } from '../helpers/keys.js';
import { claimsFor, startTestServer, type TestServer } from '../helpers/server.js';
import { sharedRegistry } from '../store/sharedTools.js';
import { callTool, headersFor, openSession, post } from './rpc.js';

let issuer: TestIssuer;
let server: TestServer;
let token: string;
beforeAll(async () => {
  issuer = await startTestIssuer();
  server = await startTestServer(issuer, { RATE_LIMIT_REQUESTS_PER_SECOND: '1000', RATE_LIMIT_BURST: '0' }, { registry: sharedRegistry({ creations: 0 }) });
  token = await issuer.sign(claimsFor(server.base, { sub: 'ids' }));
});
afterAll(async () => {
  await server.shutdown();
  await issuer.close();
});

const raw = (body: string, headers: Record<string, string>) => fetch(`${server.base}/mcp`, { method: 'POST', headers: { ...headersFor({ token }), ...headers }, body });

describe('refusals carry the request id', () => {
  it.each([
    ['an unknown session (404)', () => post(server.base, callTool(41, 'test_echo', { text: 'x' }), { token, sessionId: 'no-such-session' }), 404, 41],
    ['an unsupported MCP-Protocol-Version (400)', () => raw(JSON.stringify(callTool(42, 'test_echo', { text: 'x' })), { 'MCP-Protocol-Version': '1999-01-01' }), 400, 42],
    ['a wrong Content-Type (415)', () => raw(JSON.stringify(callTool(43, 'test_echo', { text: 'x' })), { 'Content-Type': 'text/plain' }), 415, 43],
    ['a string id', () => post(server.base, { ...callTool(0, 'test_echo', { text: 'x' }), id: 'str-id' }, { token, sessionId: 'no-such-session' }), 404, 'str-id'],
    [
      'a header that does not match the body (2026-07-28)',
      () => raw(JSON.stringify({ ...callTool(44, 'test_echo', { text: 'x' }), params: { name: 'test_echo', arguments: { text: 'x' }, _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' } } }), {
        'MCP-Protocol-Version': '2026-07-28', 'Mcp-Method': 'tools/call', 'Mcp-Name': 'other_tool',
      }),
      400,
      44,
    ],
  ])('%s', async (_label, send, status, id) => {
    const response = await send();
    expect(response.status).toBe(status);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body['id']).toBe(id);
    expect(body['error']).toBeDefined();
  });

  it('a 429 carries the refused request\'s id, never null', async () => {
    const limited = await startTestServer(issuer, { RATE_LIMIT_REQUESTS_PER_SECOND: '1', RATE_LIMIT_BURST: '0' }, { registry: sharedRegistry({ creations: 0 }) });
    try {
      const t = await issuer.sign(claimsFor(limited.base, { sub: 'ids-429' }));
      const sessionId = await openSession(limited.base, t).catch(() => undefined);
      const answers = await Promise.all([50, 51, 52].map((id) => post(limited.base, callTool(id, 'test_echo', { text: 'x' }), { token: t, ...(sessionId ? { sessionId } : {}) })));
      const refused = answers.filter((r) => r.status === 429);
      expect(refused.length).toBeGreaterThan(0);
      for (const r of refused) {
        const body = (await r.json()) as Record<string, unknown>;
        expect([50, 51, 52]).toContain(body['id']);
      }
    } finally {
      await limited.shutdown();
    }
  });

  it.each([
    ['a body that is not JSON', 'not json {', 400],
    ['a JSON-RPC notification (no id)', JSON.stringify({ jsonrpc: '2.0', method: 'tools/call', params: 7 }), 400],
    ['an id that is null', JSON.stringify({ jsonrpc: '2.0', id: null, method: 'tools/list' }), 400],
  ])('omits the id when it cannot be read: %s', async (_label, body, status) => {
    const response = await raw(body, {});
    expect(response.status).toBe(status);
    const answer = (await response.json()) as Record<string, unknown>;
    expect('id' in answer).toBe(false);
    expect(answer['error']).toBeDefined();
  });
});
