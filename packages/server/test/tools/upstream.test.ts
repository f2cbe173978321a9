/**
 * How NeonPanel's answers reach the model: faults mapped to results it can act on, retries
 * bounded and never for writes, company resolution through the full list, per subject.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { DEMO_COMPANIES } from '../../src/dev/demoUsers.js';
import { ALICE, BOB, startToolStack, type ToolStack } from './stack.js';
import { callTool, openSession, post } from '../mcp/rpc.js';

let stack: ToolStack;
let alice: string;
beforeAll(async () => {
  stack = await startToolStack({ UPSTREAM_RETRIES: '2', UPSTREAM_TIMEOUT_MS: '500' }, { extraCompaniesPerUser: 70 });
  alice = await stack.token();
});
afterAll(async () => {
  await stack.close();
});
afterEach(() => stack.sandbox.clearFaults());

const acme = DEMO_COMPANIES[0]!;
const listItems = (company = acme.uuid) => stack.rest(alice, 'neonpanel_inventory_search', { company });

function textOf(body: { content: Array<{ text: string }> }): string {
  return body.content.map((c) => c.text).join('\n');
}

describe('upstream faults', () => {
  it.each([500, 502, 503, 504, 429] as const)('%s becomes "NeonPanel is unavailable, try again" after bounded retries', async (status) => {
    stack.sandbox.setFaults({ path: '/inventory-items', status, retryAfterSeconds: 0 });
    const before = stack.sandbox.requests.length;
    const { status: http, body } = await listItems();
    expect(http).toBe(200);
    expect(body.isError).toBe(true);
    expect(textOf(body)).toBe('NeonPanel is unavailable, try again');
    const attempts = stack.sandbox.requests.slice(before).filter((r) => r.path.endsWith('/inventory-items')).length;
    expect(attempts).toBe(status === 500 ? 1 : 3); // 500 is not retried; 429/502/503/504 are, twice
  });

  it('recovers when a retry succeeds', async () => {
    stack.sandbox.setFaults({ path: '/inventory-items', status: 503, count: 1 });
    const { body } = await listItems();
    expect(body.isError).toBe(false);
    expect(body.structuredContent.items.length).toBeGreaterThan(0);
  });

  it('a timeout becomes "unavailable" too, within the configured bound', async () => {
    stack.sandbox.setFaults({ path: '/inventory-items', timeout: true });
    const started = Date.now();
    const { body } = await listItems();
    expect(textOf(body)).toBe('NeonPanel is unavailable, try again');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('403 becomes "no access to this company"', async () => {
    const bob = await stack.token(BOB);
    const { body } = await stack.rest(bob, 'neonpanel_inventory_search', { company: acme.uuid });
    expect(body.isError).toBe(true);
    expect(textOf(body)).toMatch(/no access to this company/);
  });

  it('404 becomes "not found"', async () => {
    const { body } = await stack.rest(alice, 'neonpanel_inventory_item_get', { company: acme.uuid, item: 99999999 });
    expect(body.isError).toBe(true);
    expect(textOf(body)).toMatch(/not found/);
  });

  it('422 returns the field errors', async () => {
    const { body } = await stack.rest(alice, 'neonpanel_import_create_documents', {
      company: acme.uuid, data: { ref_number: 'X' }, idempotency_key: 'k-422-0001',
    });
    expect(body.isError).toBe(true);
    expect(textOf(body)).toMatch(/vendor_name/);
  });

  it('401 from NeonPanel: REST answers the 401 challenge; MCP answers a re-link tool result with _meta["mcp/www_authenticate"]', async () => {
    // NeonPanel refuses the token (revoked there) while this server still accepts it.
    const refusing = await startToolStack({}, { verifyToken: async () => undefined });
    try {
      const token = await refusing.token();
      const rest = await refusing.rest(token, 'neonpanel_companies_list', {});
      expect(rest.status).toBe(401);
      expect(rest.headers.get('www-authenticate')).toContain('error="invalid_token"');
      expect(rest.headers.get('www-authenticate')).toContain('resource_metadata=');

      const sessionId = await openSession(refusing.server.base, token);
      const mcp = await post(refusing.server.base, callTool(1, 'neonpanel_companies_list', {}), { token, sessionId });
      // The token passed this server's check; NeonPanel refused it mid-call. ChatGPT re-links on this result (OpenAI Apps SDK).
      expect(mcp.status).toBe(200);
      const result = ((await mcp.json()) as { result: { isError: boolean; content: Array<{ text: string }>; _meta: Record<string, string[]> } }).result;
      expect(result.isError).toBe(true);
      expect(result.content[0]!.text).toMatch(/Sign in again/);
      const challenges = result._meta['mcp/www_authenticate']!;
      expect(challenges).toHaveLength(1);
      expect(challenges[0]).toMatch(/^Bearer realm="mcp", error="invalid_token", error_description="[^"]+", scope="[^"]+", resource_metadata="http:\/\/127\.0\.0\.1:\d+\/\.well-known\/oauth-protected-resource"$/);

      // Over legacy SSE, through the SDK client: the same result.
      const sse = await refusing.client(token, 'sse');
      const overSse = await sse.callTool({ name: 'neonpanel_companies_list', arguments: {} });
      expect(overSse.isError).toBe(true);
      expect((overSse._meta as Record<string, string[]>)['mcp/www_authenticate']![0]).toContain('error="invalid_token"');
      // The 401 is about NeonPanel; tools that stay local keep working with the same token.
      expect((await refusing.rest(token, 'neonpanel_whoami', {})).status).toBe(200);
    } finally {
      await refusing.close();
    }
  });

  it('never retries a POST', async () => {
    stack.sandbox.setFaults({ path: '/create/bill', status: 503 });
    const before = stack.sandbox.requests.length;
    const { body } = await stack.rest(alice, 'neonpanel_import_create_documents', {
      company: acme.uuid, data: { vendor_name: 'V', ref_number: 'R', date: new Date().toISOString().slice(0, 10), lines: [] }, idempotency_key: 'k-post-0001',
    });
    expect(body.isError).toBe(true);
    expect(stack.sandbox.requests.slice(before).filter((r) => r.method === 'POST').length).toBe(1);
  });

  it.each([
    ['a timeout', { timeout: true }],
    ['a 502', { status: 502 as const }],
    ['a 503', { status: 503 as const }],
  ] as Array<[string, { timeout?: boolean; status?: 502 | 503 }]>)('keeps an idempotency key bound after %s (the write may have reached NeonPanel): the retry is told to check, and creates nothing', async (label, fault) => {
    const data = { vendor_name: 'V', ref_number: `T-${label}`, date: new Date().toISOString().slice(0, 10), lines: [] };
    const posts = () => stack.sandbox.requests.filter((r) => r.method === 'POST').length;
    const key = `k-unknown-${String(label).replace(/\W/g, '')}`;
    stack.sandbox.setFaults({ path: '/create/bill', ...fault, count: 1 });
    const before = posts();
    const first = await stack.rest(alice, 'neonpanel_import_create_documents', { company: acme.uuid, data, idempotency_key: key });
    expect(first.body.isError).toBe(true);
    expect(textOf(first.body)).toMatch(/^Outcome unknown: .*may or may not have reached NeonPanel.*use a new idempotency_key/);
    const retry = await stack.rest(alice, 'neonpanel_import_create_documents', { company: acme.uuid, data, idempotency_key: key });
    expect(retry.body).toEqual(first.body);
    expect(posts() - before).toBe(1);
  });

  it('frees an idempotency key when NeonPanel refused the write for good (a 4xx)', async () => {
    const data = { vendor_name: 'V', ref_number: 'T-422', date: new Date().toISOString().slice(0, 10), lines: [] };
    const posts = () => stack.sandbox.requests.filter((r) => r.method === 'POST').length;
    // A company this user has no access to: NeonPanel answers 403, a definite refusal.
    const elsewhere = '00000000-0000-4000-8000-000000000403';
    const before = posts();
    const refused = await stack.rest(alice, 'neonpanel_import_create_documents', { company: elsewhere, data, idempotency_key: 'k-refused-01' });
    expect(refused.body.isError).toBe(true);
    expect(textOf(refused.body)).not.toMatch(/Outcome unknown/);
    const retried = await stack.rest(alice, 'neonpanel_import_create_documents', { company: elsewhere, data, idempotency_key: 'k-refused-01' });
    expect(textOf(retried.body)).not.toMatch(/Outcome unknown|already used|still running/);
    expect(posts() - before).toBe(2); // the refused key was free to try again
  });

  it('never shows the upstream URL or body in a result', async () => {
    stack.sandbox.setFaults({ path: '/inventory-items', status: 502 });
    const { body } = await listItems();
    expect(JSON.stringify(body)).not.toContain(stack.sandbox.url);
    expect(JSON.stringify(body)).not.toContain('127.0.0.1');
  });
});

describe('company resolution', () => {
  it('resolves a name through every page of the company list, once per subject', async () => {
    const token = await stack.token();
    const pagesBefore = stack.sandbox.requests.filter((r) => r.operationId === 'listCompanies').length;
    const first = await stack.rest(token, 'neonpanel_warehouses_list', { company: acme.name });
    expect(first.body.structuredContent.company.uuid).toBe(acme.uuid);
    const pagesFetched = stack.sandbox.requests.filter((r) => r.operationId === 'listCompanies').length - pagesBefore;
    expect(pagesFetched).toBeGreaterThan(1); // 72 companies at 60 a page

    // A new token for the same user reuses the cache (keyed by subject, not by token).
    const other = await stack.token(ALICE, ['read:warehouses']);
    await stack.rest(other, 'neonpanel_warehouses_list', { company: acme.name.toUpperCase() });
    expect(stack.sandbox.requests.filter((r) => r.operationId === 'listCompanies').length - pagesBefore).toBe(pagesFetched);
  });

  it('says which companies exist when a name matches none, and asks for a UUID when it matches several', async () => {
    const none = await stack.rest(alice, 'neonpanel_warehouses_list', { company: 'No Such Company Ltd' });
    expect(none.body.isError).toBe(true);
    expect(textOf(none.body)).toMatch(/No company named/);
    const several = await stack.rest(alice, 'neonpanel_warehouses_list', { company: 'e' });
    expect(several.body.isError).toBe(true);
    expect(textOf(several.body)).toMatch(/matches several companies/);
  });
});
