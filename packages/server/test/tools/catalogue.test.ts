/**
 * Every tool through a real MCP client, against the server, against the sandbox: results
 * validate against their output schemas and every upstream request fits the contract.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CATALOGUE_TOOL_NAMES } from './toolGroups.js';
import { ALL_TOOLS } from '../../src/tools/registry.js';
import { DEMO_COMPANIES } from '../../src/dev/demoUsers.js';
import { ALICE, startToolStack, type ToolStack } from './stack.js';

let stack: ToolStack;
let client: Client;
/** The same token over legacy SSE: every read tool is also called through it. */
let sseClient: Client;
const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const called = new Set<string>();
const calledOverSse = new Set<string>();

beforeAll(async () => {
  // As production runs: NeonPanel's issuer (OpenID discovery only), tokens with scope "openid" and no aud.
  stack = await startToolStack({}, { importPolls: 1, profile: 'neonpanel' });
  const token = await stack.token();
  client = await stack.client(token);
  sseClient = await stack.client(token, 'sse');
});
afterAll(async () => {
  await stack.close();
});

const acme = DEMO_COMPANIES[0]!;

async function call(name: string, args: Record<string, unknown>) {
  const result = await client.callTool({ name, arguments: args });
  called.add(name);
  if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
  const tool = (await client.listTools()).tools.find((t) => t.name === name)!;
  if (tool.outputSchema) {
    const validate = ajv.compile(tool.outputSchema);
    if (!validate(result.structuredContent)) throw new Error(`${name} output does not fit its schema: ${ajv.errorsText(validate.errors)}`);
  }
  if (tool.annotations?.readOnlyHint) {
    const overSse = await sseClient.callTool({ name, arguments: args });
    if (overSse.isError) throw new Error(`${name} failed over legacy SSE: ${JSON.stringify(overSse.content)}`);
    calledOverSse.add(name);
  }
  return result.structuredContent as any;
}

describe('the tool catalogue against the sandbox', () => {
  let itemId: number;
  let sku: string;
  let warehouseName: string;
  let warehouseUuid: string;
  let reportId: number;

  it('lists companies (paginated) and permissions', async () => {
    const out = await call('neonpanel_companies_list', { page: 1, per_page: 10 });
    expect(out.companies.map((c: { uuid: string }) => c.uuid)).toEqual(expect.arrayContaining(ALICE.companies));
    expect(out.pagination).toMatchObject({ page: 1, per_page: 10 });
    const perms = await call('neonpanel_company_permissions', { company: acme.name });
    expect(perms.company.uuid).toBe(acme.uuid);
    expect(Array.isArray(perms.permissions)).toBe(true);
  });

  it('lists warehouses and their balances, naming the warehouse by name', async () => {
    const out = await call('neonpanel_warehouses_list', { company: acme.uuid });
    expect(out.warehouses.length).toBeGreaterThan(0);
    warehouseName = out.warehouses[0].name;
    warehouseUuid = out.warehouses[0].uuid;
    const balances = await call('neonpanel_warehouse_balances', { company: acme.name, warehouse: warehouseName });
    expect(balances.warehouse.uuid).toBe(warehouseUuid);
    expect(Array.isArray(balances.balances)).toBe(true);
  });

  it('searches inventory, reads an item, its balances and listings', async () => {
    const out = await call('neonpanel_inventory_search', { company: acme.name, per_page: 10 });
    expect(out.items.length).toBeGreaterThan(0);
    expect(out.pagination.last_page).toBeGreaterThanOrEqual(1);
    itemId = out.items[0].id;
    sku = out.items[0].sku;
    const bySku = await call('neonpanel_inventory_search', { company: acme.uuid, sku });
    expect(bySku.items.every((i: { sku: string }) => i.sku === sku)).toBe(true);
    const item = await call('neonpanel_inventory_item_get', { company: acme.uuid, item: sku });
    expect(item.item.id).toBe(bySku.items[0].id);
    const balances = await call('neonpanel_inventory_item_balances', { company: acme.uuid, item: itemId });
    expect(balances.total_units).toBe(balances.balances.reduce((s: number, b: { balance?: number }) => s + (b.balance ?? 0), 0));
    const asin = out.items[0].asin;
    const listings = await call('neonpanel_listings_search', { company: acme.uuid, asin });
    expect(listings.listings.every((l: { asin: string }) => l.asin === asin)).toBe(true);
  });

  it('answers COGS and landed cost for an item, by SKU and warehouse name', async () => {
    const cogs = await call('neonpanel_inventory_cogs', { company: acme.uuid, item: sku, start_date: '2024-01-01' });
    expect(cogs.period.start_date).toBe('2024-01-01');
    const landed = await call('neonpanel_inventory_landed_cost', { company: acme.name, item: sku, warehouse: warehouseName, start_date: '2024-01-01' });
    expect(landed.warehouse.uuid).toBe(warehouseUuid);
    if (landed.quantity) expect(landed.unit_landed_cost).toBeCloseTo(landed.amount / landed.quantity, 3);
  });

  it('answers revenue and COGS with grouping and periodicity, and named-period analytics', async () => {
    const out = await call('neonpanel_revenue_cogs', { start_date: '2024-01-01', end_date: '2024-12-31', grouping: ['company', 'country'], periodicity: 'quarterly' });
    expect(out.rows.length).toBeGreaterThan(0);
    for (const total of out.totals) expect(total.gross_profit).toBeCloseTo(total.revenue - total.cogs, 1);
    const analytics = await call('neonpanel_analytics_revenue_summary', { period: 'last_month', companies: [acme.name] });
    expect(analytics.period.name).toBe('last_month');
    expect(analytics.period.start_date <= analytics.period.end_date).toBe(true);
  });

  it('lists reports and reads one', async () => {
    const out = await call('neonpanel_reports_list', {});
    expect(out.count).toBe(out.reports.length);
    reportId = out.reports[0].id;
    const report = await call('neonpanel_report_get', { report_id: reportId });
    expect(report.report.id).toBe(reportId);
  });

  it('imports a bill once per idempotency key and follows its status', async () => {
    const instructions = await call('neonpanel_import_instructions', { type: 'bill' });
    expect(instructions.type).toBe('bill');
    const data = { vendor_name: 'Acme Supplier', ref_number: 'B-1', date: new Date().toISOString().slice(0, 10), lines: [{ sku, quantity: 3, unit_price: 4.5 }] };
    const posts = () => stack.sandbox.requests.filter((r) => r.method === 'POST' && r.path.includes('/create/bill')).length;
    const before = posts();
    const first = await client.callTool({ name: 'neonpanel_import_create_documents', arguments: { company: acme.uuid, type: 'bill', data, idempotency_key: 'import-key-0001' } });
    called.add('neonpanel_import_create_documents');
    expect(first.isError).toBeFalsy();
    expect((first.structuredContent as any).request_id).toMatch(/^[0-9a-f-]{36}$/);
    const again = await client.callTool({ name: 'neonpanel_import_create_documents', arguments: { company: acme.uuid, type: 'bill', data, idempotency_key: 'import-key-0001' } });
    expect(posts()).toBe(before + 1);
    expect(again.structuredContent).toEqual(first.structuredContent);
    const conflicting = await client.callTool({ name: 'neonpanel_import_create_documents', arguments: { company: acme.uuid, type: 'bill', data: { ...data, ref_number: 'B-2' }, idempotency_key: 'import-key-0001' } });
    expect(conflicting.isError).toBe(true);
    expect(posts()).toBe(before + 1);

    const pdf = await call('neonpanel_import_pdf', { company: acme.uuid, file_name: 'bill-7.pdf', file_url: 'https://files.example.com/bill-7.pdf', idempotency_key: 'pdf-key-0001' });
    expect(pdf.request_id).toMatch(/^[0-9a-f-]{36}$/);
    const status = await call('neonpanel_import_status', { company: acme.uuid, request_id: pdf.request_id, wait_seconds: 0 });
    expect(['queued', 'processing', 'done', 'error']).toContain(status.status);
    if (status.processing) expect(status.retry_after_seconds).toBeGreaterThan(0);
    const waited = await call('neonpanel_import_status', { company: acme.uuid, request_id: pdf.request_id, wait_seconds: 10 });
    expect(waited.processing).toBe(false);
  });

  it('search and fetch in the shape ChatGPT deep research expects', async () => {
    const found = await call('search', { query: sku });
    expect(found.results.length).toBeGreaterThan(0);
    for (const r of found.results) expect(Object.keys(r).sort()).toEqual(['id', 'title', 'url']);
    const hit = found.results.find((r: { id: string }) => r.id.startsWith('item:'))!;
    const record = await call('fetch', { id: hit.id });
    expect(Object.keys(record).sort()).toEqual(['id', 'metadata', 'text', 'title', 'url']);
    expect(record.text).toContain(hit.id.split(':')[2]);
    expect(record.metadata).toMatchObject({ type: 'inventory_item', company_uuid: acme.uuid });
    const companies = await call('search', { query: acme.name.split(' ')[0]! });
    expect(companies.results.some((r: { id: string }) => r.id === `company:${acme.uuid}`)).toBe(true);
    await call('fetch', { id: `company:${acme.uuid}` });
    await call('fetch', { id: `report:${reportId}` });
    await call('fetch', { id: `warehouse:${acme.uuid}:${warehouseUuid}` });
    await call('neonpanel_whoami', {});
  });

  it('called every tool, and sent nothing the contract forbids', () => {
    expect([...called].sort()).toEqual(CATALOGUE_TOOL_NAMES);
    expect([...calledOverSse].sort()).toEqual(ALL_TOOLS.filter((t) => t.annotations.readOnlyHint && CATALOGUE_TOOL_NAMES.includes(t.name)).map((t) => t.name).sort());
    expect(stack.sandbox.specViolations().map((r) => `${r.method} ${r.path}: ${r.specErrors.join('; ')}`)).toEqual([]);
    expect(stack.sandbox.requests.length).toBeGreaterThan(20);
  });
});
