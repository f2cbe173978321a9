/**
 * The tools added with the toolsets (documents, payments, catalogue, forecasting, inventory
 * writes, permissions), each through a real MCP client against the server against the
 * contract-validating sandbox: results validate against their output schemas, every upstream
 * request and answer fits the contract, writes show up in later reads, creates replay by
 * idempotency key, and the Entry Locked Date (400) and validation (422) refusals come back as
 * tool errors a model can act on.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { DEMO_COMPANIES } from '../../src/dev/demoUsers.js';
import { DOCUMENT_TYPES } from '../../src/tools/documentKinds.js';
import { BOB, startToolStack, type ToolStack } from './stack.js';
import { BOOK_TOOL_NAMES } from './toolGroups.js';

let stack: ToolStack;
let client: Client;
const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const called = new Set<string>();
const acme = DEMO_COMPANIES[0]!;
const LOCKED = '2025-01-01'; // Acme's Entry Locked Date in the sandbox
let schemas: Map<string, object | undefined>;

beforeAll(async () => {
  stack = await startToolStack({ MCP_TOOLSETS: 'all' }, { importPolls: 0 });
  client = await stack.client(await stack.token());
  schemas = new Map((await client.listTools()).tools.map((t) => [t.name, t.outputSchema]));
});
afterAll(async () => {
  await stack.close();
});

function textOf(result: Record<string, unknown>): string {
  return ((result['content'] ?? []) as Array<{ type: string; text?: string }>).map((c) => c.text ?? '').join('\n');
}

async function call(name: string, args: Record<string, unknown>): Promise<any> {
  const result = await client.callTool({ name, arguments: args });
  called.add(name);
  if (result.isError) throw new Error(`${name} failed: ${textOf(result)}`);
  const schema = schemas.get(name);
  expect(schema).toBeDefined();
  const validate = ajv.compile(schema!);
  if (!validate(result.structuredContent)) throw new Error(`${name} output does not fit its schema: ${ajv.errorsText(validate.errors)}`);
  return result.structuredContent;
}

async function callError(name: string, args: Record<string, unknown>): Promise<string> {
  const result = await client.callTool({ name, arguments: args });
  called.add(name);
  expect(result.isError).toBe(true);
  return textOf(result);
}

const requestsFor = (operationId: string) => stack.sandbox.requests.filter((r) => r.operationId === operationId);

describe('reference data (catalogue)', () => {
  it('lists vendors, services, payment terms and sales channels', async () => {
    const vendors = await call('neonpanel_vendors_list', { company: acme.name });
    expect(vendors.vendors.length).toBeGreaterThan(1);
    expect(vendors.vendors[0]).not.toHaveProperty('bk_id');
    const freight = await call('neonpanel_vendors_list', { company: acme.uuid, search: 'Oceanic' });
    expect(freight.vendors.map((v: { name: string }) => v.name)).toEqual(['Oceanic Freight Ltd.']);
    const services = await call('neonpanel_services_list', { company: acme.uuid, search: 'freight' });
    expect(services.services[0]).toMatchObject({ name: 'Freight Forwarding', group: 'Logistics' });
    const terms = await call('neonpanel_payment_terms_list', { company: acme.uuid });
    expect(terms.payment_terms.find((t: { name: string }) => t.name === '30/70 Net 30').schedule).toBe('30% at date_order_placed; 70% 30 days after date_manufacturing_completed');
    const channels = await call('neonpanel_sales_channels_list', {});
    expect(channels.sales_channels.map((c: { name: string }) => c.name)).toContain('Amazon');
  });
});

describe('documents', () => {
  it.each(DOCUMENT_TYPES.map((t) => [t]))('lists and reads %s documents, the detail with its lines', async (type) => {
    const list = await call('neonpanel_documents_list', { company: acme.name, type });
    expect(list.documents.length).toBeGreaterThan(0);
    expect(list.pagination).toMatchObject({ page: 1, has_more: false });
    const first = list.documents[0];
    expect(first.type).toBe(type);
    expect(first).not.toHaveProperty('lines');
    const detail = await call('neonpanel_document_get', { company: acme.uuid, type, id: first.id });
    expect(detail.document).toMatchObject({ type, id: first.id, ref_number: first.ref_number });
    expect(detail.document.lines.length).toBe(first.line_count);
    expect(detail.document.lines.length).toBeGreaterThan(0);
  });

  it('answers "which bills from a vendor are still open" with filters and payment status', async () => {
    const bills = await call('neonpanel_documents_list', { company: acme.name, type: 'bill', vendor: 'Oceanic Freight Ltd.' });
    expect(bills.documents.length).toBe(3);
    expect(bills.documents.every((b: { vendor: { name: string } }) => b.vendor.name === 'Oceanic Freight Ltd.')).toBe(true);
    const statuses = bills.documents.map((b: { payment_status: string }) => b.payment_status);
    expect(statuses).toContain('paid');
    expect(statuses).toContain('unpaid');
    const recent = await call('neonpanel_documents_list', { company: acme.name, type: 'bill', start_date: '2025-02-01', end_date: '2025-03-31' });
    expect(recent.documents.every((b: { date: string }) => b.date >= '2025-02-01' && b.date <= '2025-03-31')).toBe(true);
    const bill = stack.sandbox.requests.filter((r) => r.operationId === 'bills.list').at(-2)!;
    expect(bill.query).toMatchObject({ vendors: expect.anything() });
  });

  it('a list longer than one page says so, and following its advice reaches the rest', async () => {
    const ours = async (args: Record<string, unknown>) => (await call('neonpanel_documents_list', { company: DEMO_COMPANIES[1]!.uuid, type: 'adjustment', ...args }));
    for (let day = 1; day <= 17; day++) {
      await call('neonpanel_adjustment_create', {
        company: DEMO_COMPANIES[1]!.uuid, ref_number: `ADJ-PAGE-${day}`, date: `2025-10-${String(day).padStart(2, '0')}`,
        lines: [{ item: 2001, service: 'Inventory Write-off', quantity: 1, rate: 1 }], idempotency_key: `page-adjustment-${day}`,
      });
    }
    const first = await ours({ search: 'ADJ-PAGE' });
    expect(first.pagination).toMatchObject({ page: 1, has_more: true });
    expect(first.next).toMatch(/end_date to the day before the oldest date shown/);
    const oldest = first.documents.at(-1).date as string;
    const dayBefore = new Date(Date.parse(`${oldest}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    const rest = await ours({ search: 'ADJ-PAGE', end_date: dayBefore });
    expect(rest.pagination.has_more).toBe(false);
    const seen = new Set([...first.documents, ...rest.documents].map((d: { ref_number: string }) => d.ref_number));
    expect(seen.size).toBe(17);
  });

  it('refuses a filter the document type does not take, naming the types that do', async () => {
    expect(await callError('neonpanel_documents_list', { company: acme.uuid, type: 'invoice', vendor: 1 })).toMatch(/inventory_order, bill only/);
  });

  it('creates an inventory order for 500 units of a SKU; it is listed, readable, and a replay does not create twice', async () => {
    const sku = 'AOG-001-US';
    const args = {
      company: acme.name, ref_number: 'PO-TEST-500', date_order_placed: '2025-06-01', date_manufacturing_completed: '2025-07-01',
      vendor: 'Acme Outdoor Goods Manufacturing', lines: [{ item: sku, quantity: 500, price: 4.2 }], idempotency_key: 'order-500-units-0001',
    };
    const vendors = await call('neonpanel_vendors_list', { company: acme.uuid, search: 'Manufacturing' });
    args.vendor = vendors.vendors[0].name;
    const before = requestsFor('inventoryOrders.create').length;
    const created = await call('neonpanel_inventory_order_create', args);
    expect(created.document).toMatchObject({ type: 'inventory_order', ref_number: 'PO-TEST-500', amount: 2100 });
    expect(created.document.lines).toEqual([expect.objectContaining({ sku, quantity: 500, price: 4.2 })]);
    expect(created.document.payments.installments).toHaveLength(2);

    const replay = await call('neonpanel_inventory_order_create', args);
    expect(replay.document.id).toBe(created.document.id);
    expect(requestsFor('inventoryOrders.create').length).toBe(before + 1);
    expect(await callError('neonpanel_inventory_order_create', { ...args, lines: [{ item: sku, quantity: 1, price: 1 }] })).toMatch(/already used for a different request/);

    const listed = await call('neonpanel_documents_list', { company: acme.uuid, type: 'inventory_order', search: 'PO-TEST-500' });
    expect(listed.documents.map((d: { id: number }) => d.id)).toEqual([created.document.id]);

    const updated = await call('neonpanel_inventory_order_update', { company: acme.uuid, id: created.document.id, lines: [{ item: sku, quantity: 600, price: 4.2 }], name: 'Spring restock' });
    expect(updated.document).toMatchObject({ name: 'Spring restock', amount: 2520 });
    const reread = await call('neonpanel_document_get', { company: acme.uuid, type: 'inventory_order', id: created.document.id });
    expect(reread.document.lines).toEqual([expect.objectContaining({ quantity: 600 })]);
    expect(reread.document.ref_number).toBe('PO-TEST-500');
  });

  it('creates a bill by vendor and service name; paying its installment shows in payments and the bill', async () => {
    const created = await call('neonpanel_bill_create', {
      company: acme.uuid, ref_number: 'BILL-TEST-1', date: '2025-08-01', vendor: 'Oceanic Freight Ltd.',
      lines: [{ service: 'Freight Forwarding', quantity: 2, rate: 150 }], idempotency_key: 'bill-test-000001',
    });
    expect(created.document).toMatchObject({ amount: 300, payments: { status: 'unpaid', open: 300 } });
    const listed = await call('neonpanel_documents_list', { company: acme.uuid, type: 'bill', search: 'BILL-TEST-1' });
    expect(listed.documents).toEqual([expect.objectContaining({ id: created.document.id, payment_status: 'unpaid', open_amount: 300 })]);
    const renamed = await call('neonpanel_bill_update', { company: acme.uuid, id: created.document.id, name: 'Freight August' });
    expect(renamed.document).toMatchObject({ name: 'Freight August', ref_number: 'BILL-TEST-1', amount: 300 });
    expect((await call('neonpanel_documents_list', { company: acme.uuid, type: 'bill', search: 'Freight August' })).documents.map((d: { id: number }) => d.id)).toEqual([created.document.id]);

    const due = await call('neonpanel_payment_requests_list', { company: acme.uuid, start_date: '2025-08-31', end_date: '2025-08-31', unpaid_only: true });
    const installment = due.payment_requests.find((p: { document: { id: number } }) => p.document.id === created.document.id);
    expect(installment).toMatchObject({ amount_due: 300, open_amount: 300, document: { type: 'bill' } });
    const paid = await call('neonpanel_payment_request_update', { company: acme.uuid, payment_request_id: installment.id, paid_amount: 300, payment_date: '2025-08-30', transaction_number: 'TXN-1' });
    expect(paid.payment_request).toMatchObject({ open_amount: 0, transaction_number: 'TXN-1' });
    const after = await call('neonpanel_document_get', { company: acme.uuid, type: 'bill', id: created.document.id });
    expect(after.document.payments).toMatchObject({ status: 'paid', open: 0 });
  });

  it('creates and updates an invoice, a shipment, an assembly order and an adjustment', async () => {
    const orders = (await call('neonpanel_documents_list', { company: acme.uuid, type: 'inventory_order' })).documents;
    const warehouseId = orders.find((o: { warehouse?: { id: number } }) => o.warehouse).warehouse.id;
    const shipmentTo = (await call('neonpanel_document_get', { company: acme.uuid, type: 'adjustment', id: (await call('neonpanel_documents_list', { company: acme.uuid, type: 'adjustment' })).documents[0].id })).document.warehouse.id;
    const cases: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
      ['invoice', { ref_number: 'INV-TEST-1', transaction_date: '2025-09-01', warehouse_id: warehouseId, sales_channel_id: 3, lines: [{ service: 'Product Sales', item: 'AOG-002-US', quantity: 5, amount: 99.5 }] }, { lines: [{ service: 'Product Sales', item: 'AOG-002-US', quantity: 6, amount: 120 }] }],
      ['shipment', { ref_number: 'SHP-TEST-1', date_shipment_sent: '2025-09-02', origin_warehouse_id: warehouseId, destination_warehouse_id: shipmentTo, shipment_method: 'SPD', lines: [{ item: 'AOG-003-US', quantity_shipped: 40, quantity_received: 40 }] }, { tracking_number: '1ZTEST' }],
      ['assembly_order', { ref_number: 'AO-TEST-1', date_order_assembled: '2025-09-03', warehouse_id: warehouseId, lines: [{ assembly_id: 171, quantity: 10 }] }, { lines: [{ assembly_id: 172, quantity: 4 }] }],
      ['adjustment', { ref_number: 'ADJ-TEST-1', date: '2025-09-04', reason: 'Damaged', warehouse_id: warehouseId, lines: [{ item: 'AOG-001-US', service: 'Inventory Write-off', quantity: 2, rate: 4.5 }] }, { reason: 'Misplaced' }],
    ];
    for (const [type, create, update] of cases) {
      const created = await call(`neonpanel_${type}_create`, { company: acme.uuid, ...create, idempotency_key: `create-${type}-0001` });
      expect(created.document).toMatchObject({ type, ref_number: create['ref_number'] });
      expect(created.document.lines.length).toBe((create['lines'] as unknown[]).length);
      const updated = await call(`neonpanel_${type}_update`, { company: acme.uuid, id: created.document.id, ...update });
      const reread = await call('neonpanel_document_get', { company: acme.uuid, type, id: created.document.id });
      expect(reread.document).toEqual(updated.document);
      const listed = await call('neonpanel_documents_list', { company: acme.uuid, type, search: create['ref_number'] });
      expect(listed.documents.map((d: { id: number }) => d.id)).toContain(created.document.id);
    }
    const invoice = (await call('neonpanel_documents_list', { company: acme.uuid, type: 'invoice', search: 'INV-TEST-1' })).documents[0];
    expect(invoice.amount).toBe(120);
    const kits = (await call('neonpanel_documents_list', { company: acme.uuid, type: 'assembly_order', search: 'AO-TEST-1' })).documents[0];
    expect((await call('neonpanel_document_get', { company: acme.uuid, type: 'assembly_order', id: kits.id })).document.lines).toEqual([expect.objectContaining({ assembly_id: 172, quantity: 4 })]);
  });

  it("turns NeonPanel's Entry Locked Date 400 into an error that names the rule, on create and on update", async () => {
    const create = await callError('neonpanel_bill_create', {
      company: acme.uuid, ref_number: 'BILL-LOCKED', date: '2024-12-31', vendor: 'Oceanic Freight Ltd.',
      lines: [{ service: 'Freight Forwarding', quantity: 1, rate: 10 }], idempotency_key: 'bill-locked-0001',
    });
    expect(create).toMatch(/Entry Locked Date rule/);
    expect(create).toMatch(/dated before the company's Entry Locked Date cannot be created, changed or deleted/);
    expect(create).toContain(LOCKED);
    const locked = (await call('neonpanel_documents_list', { company: acme.uuid, type: 'inventory_order', end_date: '2024-12-31' })).documents[0];
    expect(locked.date < LOCKED).toBe(true);
    const update = await callError('neonpanel_inventory_order_update', { company: acme.uuid, id: locked.id, name: 'renamed' });
    expect(update).toMatch(/Entry Locked Date rule/);
    expect(stack.sandbox.requests.filter((r) => r.status === 400).length).toBeGreaterThanOrEqual(2);
  });

  it('lists the field errors of a 422', async () => {
    const text = await callError('neonpanel_bill_create', {
      company: acme.uuid, ref_number: 'BILL-422', date: '2025-08-01', payment_term_id: 999_999,
      lines: [{ service: 888_888, quantity: 1, rate: 10 }], idempotency_key: 'bill-invalid-0001',
    });
    expect(text).toMatch(/NeonPanel rejected the request: /);
    expect(text).toContain('payment_term_id');
    expect(text).toContain('details.0.service_id');
    // The refused create freed its key: a corrected retry with the same key goes through.
    const fixed = await call('neonpanel_bill_create', {
      company: acme.uuid, ref_number: 'BILL-422', date: '2025-08-01', lines: [{ service: 'Customs Duty', quantity: 1, rate: 10 }], idempotency_key: 'bill-invalid-0001',
    });
    expect(fixed.document).toMatchObject({ ref_number: 'BILL-422', amount: 10 });
  });
});

/** Every create tool: minimal valid arguments, a dated-before-the-lock variant, and one bad reference (with the field NeonPanel names). */
const CREATES: Array<{ tool: string; op: string; args: Record<string, unknown>; locked?: Record<string, unknown>; invalid?: [Record<string, unknown>, string] }> = [
  { tool: 'neonpanel_inventory_order_create', op: 'inventoryOrders.create', args: { ref_number: 'PO-R', date_manufacturing_completed: '2025-05-01', lines: [{ item: 'AOG-001-US', quantity: 1, price: 1 }] },
    locked: { date_manufacturing_completed: '2024-06-01' }, invalid: [{ warehouse_id: 999_999 }, 'warehouse_id'] },
  { tool: 'neonpanel_bill_create', op: 'bills.create', args: { ref_number: 'BILL-R', date: '2025-05-01', lines: [{ service: 'Customs Duty', quantity: 1, rate: 1 }] },
    locked: { date: '2024-06-01' }, invalid: [{ lines: [{ service: 999_999, quantity: 1, rate: 1 }] }, 'details.0.service_id'] },
  { tool: 'neonpanel_invoice_create', op: 'invoices.create', args: { ref_number: 'INV-R', transaction_date: '2025-05-01', lines: [{ service: 'Product Sales', quantity: 1, amount: 5 }] },
    locked: { transaction_date: '2024-06-01' }, invalid: [{ sales_channel_id: 99 }, 'sales_channel_id'] },
  { tool: 'neonpanel_shipment_create', op: 'shipments.create', args: { ref_number: 'SHP-R', date_shipment_sent: '2025-05-01', lines: [{ item: 'AOG-001-US', quantity_shipped: 1, quantity_received: 1 }] },
    locked: { date_shipment_sent: '2024-06-01' }, invalid: [{ origin_warehouse_id: 999_999 }, 'origin_warehouse_id'] },
  { tool: 'neonpanel_assembly_order_create', op: 'assemblyOrders.create', args: { ref_number: 'AO-R', date_order_assembled: '2025-05-01', lines: [{ assembly_id: 171, quantity: 1 }] },
    locked: { date_order_assembled: '2024-06-01' }, invalid: [{ lines: [{ assembly_id: 999, quantity: 1 }] }, 'items.0.assembly_id'] },
  { tool: 'neonpanel_adjustment_create', op: 'adjustments.create', args: { ref_number: 'ADJ-R', date: '2025-05-01', lines: [{ item: 'AOG-001-US', service: 'Inventory Write-off', quantity: 1, rate: 1 }] },
    locked: { date: '2024-06-01' }, invalid: [{ reason: 'Stolen' }, 'reason'] },
  { tool: 'neonpanel_inventory_item_create', op: 'createInventoryItem', args: { product_id: 101, country_code: 'CA' }, invalid: [{ product_id: 999_999 }, 'product_id'] },
  { tool: 'neonpanel_product_create', op: 'createProduct', args: {} },
];

describe('every create tool', () => {
  it.each(CREATES.map((c) => [c.tool, c] as const))('%s: a replay with the same idempotency_key returns the first result and creates nothing more', async (tool, c) => {
    const args = { company: acme.uuid, ...c.args, idempotency_key: `replay-${tool}` };
    const before = requestsFor(c.op).length;
    const first = await call(tool, args);
    const second = await call(tool, args);
    expect(second).toEqual(first);
    expect(requestsFor(c.op).length).toBe(before + 1);
  });

  it.each(CREATES.filter((c) => c.locked).map((c) => [c.tool, c] as const))('%s: a date before the Entry Locked Date is refused, naming the rule', async (tool, c) => {
    const text = await callError(tool, { company: acme.uuid, ...c.args, ...c.locked, idempotency_key: `locked-${tool}` });
    expect(text).toMatch(/Entry Locked Date rule/);
    expect(text).toContain(LOCKED);
  });

  it.each(CREATES.filter((c) => c.invalid).map((c) => [c.tool, c] as const))('%s: a 422 lists the field NeonPanel refused', async (tool, c) => {
    const [bad, field] = c.invalid!;
    const text = await callError(tool, { company: acme.uuid, ...c.args, ...bad, idempotency_key: `invalid-${tool}` });
    expect(text).toMatch(/^NeonPanel rejected the request: /);
    expect(text).toContain(field);
  });
});

describe('inventory writes, products, listings', () => {
  it('creates, changes and deletes an inventory item; the delete names it', async () => {
    const products = await call('neonpanel_products_search', { company: acme.uuid, search: 'AOG-002' });
    expect(products.products.length).toBeGreaterThan(0);
    const productId = products.products[0].id;
    const args = { company: acme.uuid, product_id: productId, country_code: 'MX', fnsku: 'X00TESTMX1', idempotency_key: 'item-create-0001' };
    const before = requestsFor('createInventoryItem').length;
    const created = await call('neonpanel_inventory_item_create', args);
    expect(created.item).toMatchObject({ country_code: 'MX', fnsku: 'X00TESTMX1' });
    expect((await call('neonpanel_inventory_item_create', args)).item.id).toBe(created.item.id);
    expect(requestsFor('createInventoryItem')).toHaveLength(before + 1);

    const updated = await call('neonpanel_inventory_item_update', { company: acme.uuid, item: created.item.id, variation: 'Olive', restock: { lead_time_days: 60 } });
    expect(updated.item).toMatchObject({ variation: 'Olive', restock_data: expect.objectContaining({ lead_time_days: 60 }) });
    const read = await call('neonpanel_inventory_item_get', { company: acme.uuid, item: created.item.id });
    expect(read.item.restock_data.lead_time_days).toBe(60);

    const deleted = await call('neonpanel_inventory_item_delete', { company: acme.uuid, item: created.item.id });
    expect(deleted.deleted).toEqual({ item_id: created.item.id, product_sku: created.item.product.sku, name: created.item.product.name, country_code: 'MX' });
    expect(await callError('neonpanel_inventory_item_get', { company: acme.uuid, item: created.item.id })).toMatch(/not found/);
  });

  it('creates, saves and deletes a product; the delete names it', async () => {
    const created = await call('neonpanel_product_create', { company: acme.uuid, idempotency_key: 'product-create-0001' });
    expect(created.product.id).toBeGreaterThan(0);
    const saved = await call('neonpanel_product_update', { company: acme.uuid, product_id: created.product.id });
    expect(saved.product.id).toBe(created.product.id);
    const deleted = await call('neonpanel_product_delete', { company: acme.uuid, product_id: created.product.id });
    expect(deleted.deleted).toEqual({ product_id: created.product.id, sku: created.product.sku, name: created.product.name });
    expect((await call('neonpanel_products_search', { company: acme.uuid, product_id: created.product.id })).products).toEqual([]);
  });

  it('syncs a listing from Amazon', async () => {
    const listings = await call('neonpanel_listings_search', { company: acme.uuid });
    const synced = await call('neonpanel_listing_sync', { company: acme.uuid, listing_id: listings.listings[0].id });
    expect(synced.listing).toMatchObject({ id: listings.listings[0].id, asin: listings.listings[0].asin });
  });
});

describe('forecasting and permissions', () => {
  it('reads and changes forecasting settings; only the settings passed change', async () => {
    const before = await call('neonpanel_forecasting_settings_get', { company: acme.uuid });
    const changed = await call('neonpanel_forecasting_settings_update', { company: acme.uuid, default_lead_time_days: 50, default_seasonality: '1;1;1;1;1;1;1;1;1;0.8;1.5;2.5' });
    expect(changed.updated.sort()).toEqual(['default_lead_time_days', 'default_seasonality']);
    expect(changed.settings).toEqual({ ...before.settings, default_lead_time_days: 50, default_seasonality: '1;1;1;1;1;1;1;1;1;0.8;1.5;2.5' });
    expect((await call('neonpanel_forecasting_settings_get', { company: acme.uuid })).settings.default_lead_time_days).toBe(50);
  });

  it('lists permission names and the companies that grant one', async () => {
    const all = await call('neonpanel_permissions_list', {});
    expect(all.permissions).toContain('import:documents');
    const where = await call('neonpanel_companies_with_permission', { permission: 'import:documents' });
    expect(where.companies.map((c: { uuid: string }) => c.uuid).sort()).toEqual([DEMO_COMPANIES[0]!.uuid, DEMO_COMPANIES[1]!.uuid].sort());
    const one = await call('neonpanel_companies_with_permission', { permission: 'import:documents', companies: [acme.name] });
    expect(one.companies.map((c: { uuid: string }) => c.uuid)).toEqual([acme.uuid]);
  });
});

describe('other companies and users', () => {
  it('serves every document type of a EUR company within the contract', async () => {
    const borealis = DEMO_COMPANIES[1]!;
    for (const type of DOCUMENT_TYPES) {
      const list = await call('neonpanel_documents_list', { company: borealis.name, type });
      const detail = await call('neonpanel_document_get', { company: borealis.uuid, type, id: list.documents[0].id });
      expect(detail.document.lines.length).toBeGreaterThan(0);
      if (detail.document.currency) expect(detail.document.currency).toBe('EUR');
    }
  });

  it("bob (read-only demo user) reads his company's documents but may not write them", async () => {
    const token = await stack.token(BOB, BOB.scopes);
    const bobs = await stack.client(token);
    const list = await bobs.callTool({ name: 'neonpanel_documents_list', arguments: { company: DEMO_COMPANIES[2]!.name, type: 'bill' } });
    expect(list.isError).toBeFalsy();
    expect((list.structuredContent as { documents: unknown[] }).documents.length).toBeGreaterThan(0);
    const refused = await stack.rest(token, 'neonpanel_bill_create', { company: DEMO_COMPANIES[2]!.uuid, lines: [{ service: 1, quantity: 1, rate: 1 }], idempotency_key: 'bob-bill-00001' });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toContain('scope="write:documents"');
    const foreign = await bobs.callTool({ name: 'neonpanel_documents_list', arguments: { company: acme.uuid, type: 'bill' } });
    expect(textOf(foreign)).toMatch(/no access to this company/);
  });
});

describe('the whole run', () => {
  it('called every new tool, and neither side broke the contract', () => {
    expect(BOOK_TOOL_NAMES.filter((name) => !called.has(name))).toEqual([]);
    expect(stack.sandbox.specViolations().map((r) => `${r.method} ${r.path}: ${r.specErrors.join('; ')}`)).toEqual([]);
    expect(stack.sandbox.responseViolations().map((r) => `${r.method} ${r.path}: ${r.responseErrors.join('; ')}`)).toEqual([]);
  });
});
