/**
 * Each tool enforces its own scope: without it the answer is 403 insufficient_scope naming
 * that scope, on MCP and on the REST façade alike, and nothing reaches NeonPanel.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ALL_TOOLS } from '../../src/tools/registry.js';
import { DEFAULT_SCOPES } from '../../src/config.js';
import { DEMO_COMPANIES } from '../../src/dev/demoUsers.js';
import { startToolStack, type ToolStack } from './stack.js';
import { callTool, openSession, post } from '../mcp/rpc.js';

let stack: ToolStack;
beforeAll(async () => {
  // Every tool, writes included, so each one's scope check can be seen.
  stack = await startToolStack({ MCP_TOOLSETS: 'all', MCP_MAX_SESSIONS_PER_SUBJECT: '500' });
});
afterAll(async () => {
  await stack.close();
});

const scoped = ALL_TOOLS.filter((t) => t.scope !== undefined);
const args = { company: DEMO_COMPANIES[0]!.uuid };

describe('scope enforcement', () => {
  it('covers every default scope', () => {
    expect(new Set(scoped.map((t) => t.scope))).toEqual(new Set(DEFAULT_SCOPES));
  });

  it.each(scoped.map((t) => [t.name, t.scope!] as const))('%s needs %s', async (name, scope) => {
    const token = await stack.token(undefined, DEFAULT_SCOPES.filter((s) => s !== scope));
    const before = stack.sandbox.requests.length;

    const rest = await stack.rest(token, name, args);
    expect(rest.status).toBe(403);
    expect(rest.body).toMatchObject({ error: 'insufficient_scope' });
    expect(rest.headers.get('www-authenticate')).toContain(`scope="${scope}"`);

    const sessionId = await openSession(stack.server.base, token);
    const mcp = await post(stack.server.base, callTool(1, name, args), { token, sessionId });
    expect(mcp.status).toBe(403);
    expect(mcp.headers.get('www-authenticate')).toContain(`error="insufficient_scope"`);
    expect(mcp.headers.get('www-authenticate')).toContain(`scope="${scope}"`);
    expect(stack.sandbox.requests.length).toBe(before);
  });

  it('fetch refuses a record whose domain scope is missing, as a 403 naming it', async () => {
    const token = await stack.token(undefined, ['read:companies']);
    const sessionId = await openSession(stack.server.base, token);
    const response = await post(stack.server.base, callTool(1, 'fetch', { id: 'report:1' }), { token, sessionId });
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toContain('scope="read:reports"');
  });

  it('search only looks where the token may look', async () => {
    const token = await stack.token(undefined, ['read:companies']);
    const before = stack.sandbox.requests.length;
    const result = await stack.rest(token, 'search', { query: 'a' });
    expect(result.status).toBe(200);
    const seen = stack.sandbox.requests.slice(before).map((r) => r.operationId);
    expect(seen.every((op) => op === 'listCompanies')).toBe(true);
    expect(result.body.structuredContent.results.every((r: { id: string }) => r.id.startsWith('company:'))).toBe(true);
  });
});
