/**
 * The six accounting document types as data: their NeonPanel operations, which list filters
 * each takes, the fields a create or update accepts (in a model-friendly form), how those map
 * to NeonPanel's payload, and the compact view every document tool returns.
 *
 * Why one list tool and one detail tool, but create/update tools per type: the six list and
 * read operations take the same arguments (a company, an id, dates and search) and their
 * results can share one compact shape, so one `…_documents_list` with a `type` is easier to
 * pick than six near-identical tools. The payloads differ a lot (orders take items and prices,
 * bills take services and rates, shipments take two warehouses and shipped/received counts,
 * assembly orders take assemblies), so a shared create tool would need a schema that is a
 * union of six, which models fill in badly; per-type writes keep each schema exact.
 */
import { z } from 'zod';
import type { components } from '../neonpanel/schema.js';
import type { NeonPanelApi } from '../neonpanel/types.js';
import type { ToolContext } from './types.js';
import { dataOf, isoDate } from './common.js';
import { itemArg } from './inventory.js';
import { resolveItem } from './resolve.js';
import { resolveServiceId, resolveVendorId } from './lookup.js';

type Schemas = components['schemas'];
type Json = Record<string, unknown>;

export const DOCUMENT_TYPES = ['inventory_order', 'bill', 'invoice', 'shipment', 'assembly_order', 'adjustment'] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

export const documentTypeArg = z.enum(DOCUMENT_TYPES).describe(
  'inventory_order (purchase orders from vendors), bill (vendor bills and expenses), invoice (sales invoices), shipment (stock moved between warehouses), assembly_order (kits assembled from parts), adjustment (stock write-offs and corrections).',
);

/** NeonPanel's short class names, as payment requests and bill links name documents. */
export const CLASS_NAMES: Record<DocumentType, string> = {
  inventory_order: 'InventoryOrder', bill: 'Bill', invoice: 'Invoice', shipment: 'Shipment', assembly_order: 'AssemblyOrder', adjustment: 'Adjustment',
};
export const typeOfClass = (name: string | undefined): DocumentType | undefined =>
  (Object.entries(CLASS_NAMES).find(([, c]) => c === name)?.[0] as DocumentType | undefined);

// ---- arguments shared by the write tools -----------------------------------------------------

const name = z.string().trim().max(255).nullable().optional().describe('Display name.');
const market = z.string().length(2).toUpperCase().nullable().optional().describe('Marketplace country, two letters (US, DE, GB…).');
const currency = z.string().length(3).toUpperCase().nullable().optional().describe('ISO 4217 currency (USD, EUR…); the company currency when omitted on create.');
const date = (what: string) => isoDate.nullable().optional().describe(`${what} (YYYY-MM-DD). Must not be before the company's Entry Locked Date.`);
const warehouseId = (what = 'Warehouse') => z.number().int().positive().nullable().optional()
  .describe(`${what}: its integer id, as shown in a document's warehouse (neonpanel_document_get).`);
const vendor = z.union([z.number().int().positive(), z.string().trim().min(1).max(200)]).nullable().optional()
  .describe('The vendor: its id or name (neonpanel_vendors_list).');
const service = z.union([z.number().int().positive(), z.string().trim().min(1).max(200)])
  .describe('The service: its id or name (neonpanel_services_list), e.g. "Freight Forwarding".');
const paymentTermId = z.number().int().positive().nullable().optional()
  .describe("Payment term id (neonpanel_payment_terms_list); it generates the payment requests. The vendor's default when omitted.");
const refNumber = (required: boolean, what = 'Reference number') => (required
  ? z.string().trim().min(1).max(255).describe(`${what}. Cannot be changed later.`)
  : z.string().trim().min(1).max(255).optional().describe(`${what}. Cannot be changed later.`));

/** A list answer, as every document list operation shapes it (pagination next to `data`). */
export interface ListAnswer { current_page?: number; per_page?: number; last_page?: number; data?: Json[] }

export interface KindSpec {
  type: DocumentType;
  label: string;
  /** NeonPanel operationIds. */
  operations: { list: string; read: string; create: string; update: string };
  /** Which of the optional list filters the list operation takes. */
  filters: { vendor: boolean; warehouse: boolean };
  /** What start_date/end_date filter on, for the description. */
  dateMeaning: string;
  /** Header fields of create (update takes the same, all optional, without ref_number). */
  header: z.ZodRawShape;
  /** One line of `lines`. */
  line: z.ZodObject;
  linesMeaning: string;
  /** How the write tools' arguments name things, for their descriptions. */
  naming: string;
  /** Tool arguments → NeonPanel payload (resolving names to ids). */
  toPayload(args: Json, ctx: ToolContext, companyUuid: string): Promise<Json>;
  list(api: NeonPanelApi, companyUuid: string, query: Json): Promise<ListAnswer>;
  read(api: NeonPanelApi, companyUuid: string, id: number): Promise<Json>;
  create(api: NeonPanelApi, companyUuid: string, payload: Json): Promise<Json>;
  update(api: NeonPanelApi, companyUuid: string, id: number, payload: Json): Promise<Json>;
}

const itemId = async (ctx: ToolContext, companyUuid: string, item: unknown) => (await resolveItem(ctx, companyUuid, item as string | number)).id;

/** Copies the arguments that pass through unchanged, leaving out what was not given. */
function pass(args: Json, keys: readonly string[]): Json {
  return Object.fromEntries(keys.filter((k) => args[k] !== undefined).map((k) => [k, args[k]]));
}

async function mapLines(args: Json, map: (line: Json) => Promise<Json>): Promise<Json[] | undefined> {
  const lines = args['lines'] as Json[] | undefined;
  if (lines === undefined) return undefined;
  const out: Json[] = [];
  for (const line of lines) out.push(await map(line)); // in order, so errors name the first bad line
  return out;
}

const path = (companyUuid: string) => ({ companyUuid });

export const KINDS: Record<DocumentType, KindSpec> = {
  inventory_order: {
    type: 'inventory_order',
    label: 'inventory order',
    operations: { list: 'inventoryOrders.list', read: 'inventoryOrders.read', create: 'inventoryOrders.create', update: 'inventoryOrders.update' },
    filters: { vendor: true, warehouse: true },
    dateMeaning: 'the date goods were received',
    header: {
      ref_number: refNumber(false, 'Purchase order number'),
      name,
      date_order_placed: date('Date the order was placed'),
      date_manufacturing_completed: date('Date manufacturing completed / goods received'),
      market,
      currency,
      vendor,
      warehouse_id: warehouseId('Destination warehouse'),
      payment_term_id: paymentTermId,
    },
    line: z.object({
      item: itemArg,
      quantity: z.number().int().min(1).describe('Units ordered.'),
      price: z.number().min(0).describe('Unit price in the order currency.'),
    }),
    linesMeaning: 'the items ordered',
    naming: 'Name each item by id or SKU, and the vendor by id or name.',
    async toPayload(args, ctx, companyUuid) {
      const details = await mapLines(args, async (l) => ({ inventory_id: await itemId(ctx, companyUuid, l['item']), quantity: l['quantity'], price: l['price'] }));
      return {
        ...pass(args, ['ref_number', 'name', 'date_order_placed', 'date_manufacturing_completed', 'market', 'currency', 'warehouse_id', 'payment_term_id']),
        ...(args['vendor'] !== undefined ? { vendor_id: args['vendor'] === null ? null : await resolveVendorId(ctx, companyUuid, args['vendor'] as string | number) } : {}),
        ...(details ? { details } : {}),
      };
    },
    list: async (api, c, query) => dataOf(await api.GET('/api/v1/companies/{companyUuid}/inventory-orders', { params: { path: path(c), query } })) as ListAnswer,
    read: async (api, c, id) => dataOf(await api.GET('/api/v1/companies/{companyUuid}/inventory-orders/{orderId}', { params: { path: { ...path(c), orderId: id } } })) as Json,
    create: async (api, c, body) => dataOf(await api.POST('/api/v1/companies/{companyUuid}/inventory-orders', { params: { path: path(c) }, body: body as Schemas['InventoryOrderPayload'] })) as Json,
    update: async (api, c, id, body) => dataOf(await api.PUT('/api/v1/companies/{companyUuid}/inventory-orders/{orderId}', { params: { path: { ...path(c), orderId: id } }, body: body as Schemas['InventoryOrderPayload'] })) as Json,
  },
  bill: {
    type: 'bill',
    label: 'bill',
    operations: { list: 'bills.list', read: 'bills.read', create: 'bills.create', update: 'bills.update' },
    filters: { vendor: true, warehouse: false },
    dateMeaning: 'the bill date',
    header: {
      ref_number: refNumber(false, "The vendor's bill number"),
      name,
      date: date('Bill date'),
      market,
      currency,
      vendor,
      payment_term_id: paymentTermId,
      linked_documents: z.array(z.object({
        type: z.enum(['inventory_order', 'assembly_order', 'shipment', 'invoice']),
        id: z.number().int().positive(),
      })).max(50).nullable().optional().describe('Documents this bill is for (e.g. the inventory order whose freight it bills).'),
    },
    line: z.object({
      service,
      quantity: z.number().int().min(1).describe('Units.'),
      rate: z.number().describe('Unit rate in the bill currency.'),
    }),
    linesMeaning: 'the services billed',
    naming: 'Name the vendor and each service by id or name.',
    async toPayload(args, ctx, companyUuid) {
      const details = await mapLines(args, async (l) => ({ service_id: await resolveServiceId(ctx, companyUuid, l['service'] as string | number), quantity: l['quantity'], rate: l['rate'] }));
      const linked = args['linked_documents'] as Array<{ type: DocumentType; id: number }> | null | undefined;
      return {
        ...pass(args, ['ref_number', 'name', 'date', 'market', 'currency', 'payment_term_id']),
        ...(args['vendor'] !== undefined ? { vendor_id: args['vendor'] === null ? null : await resolveVendorId(ctx, companyUuid, args['vendor'] as string | number) } : {}),
        ...(linked !== undefined ? { documents: linked === null ? null : linked.map((d) => ({ type: CLASS_NAMES[d.type], id: d.id })) } : {}),
        ...(details ? { details } : {}),
      };
    },
    list: async (api, c, query) => dataOf(await api.GET('/api/v1/companies/{companyUuid}/bills', { params: { path: path(c), query } })) as ListAnswer,
    read: async (api, c, id) => dataOf(await api.GET('/api/v1/companies/{companyUuid}/bills/{billId}', { params: { path: { ...path(c), billId: id } } })) as Json,
    create: async (api, c, body) => dataOf(await api.POST('/api/v1/companies/{companyUuid}/bills', { params: { path: path(c) }, body: body as Schemas['BillPayload'] })) as Json,
    update: async (api, c, id, body) => dataOf(await api.PUT('/api/v1/companies/{companyUuid}/bills/{billId}', { params: { path: { ...path(c), billId: id } }, body: body as Schemas['BillPayload'] })) as Json,
  },
  invoice: {
    type: 'invoice',
    label: 'invoice',
    operations: { list: 'invoices.list', read: 'invoices.read', create: 'invoices.create', update: 'invoices.update' },
    filters: { vendor: false, warehouse: false },
    dateMeaning: 'the transaction date',
    header: {
      ref_number: refNumber(true),
      name,
      transaction_date: date('Transaction date'),
      market,
      currency,
      warehouse_id: warehouseId(),
      customer_id: z.number().int().positive().nullable().optional().describe('Customer id, as shown on an invoice already read (the API has no customer list).'),
      sales_channel_id: z.number().int().positive().nullable().optional().describe('Sales channel id (neonpanel_sales_channels_list).'),
    },
    line: z.object({
      service,
      item: itemArg.nullable().optional().describe('The inventory item sold, when the line moves stock (id, SKU, ASIN or FNSKU); omit for fees.'),
      quantity: z.number().int().refine((q) => q !== 0, 'must not be 0').describe('Units: positive sells stock, negative takes a return back.'),
      amount: z.number().describe('Line total (not a unit price); the invoice total is the sum of these.'),
    }),
    linesMeaning: 'the lines sold',
    naming: 'Name each service by id or name, and items by id or SKU.',
    async toPayload(args, ctx, companyUuid) {
      const details = await mapLines(args, async (l) => ({
        service_id: await resolveServiceId(ctx, companyUuid, l['service'] as string | number),
        ...(l['item'] !== undefined && l['item'] !== null ? { inventory_id: await itemId(ctx, companyUuid, l['item']) } : {}),
        quantity: l['quantity'],
        amount: l['amount'],
      }));
      return { ...pass(args, ['ref_number', 'name', 'transaction_date', 'market', 'currency', 'warehouse_id', 'customer_id', 'sales_channel_id']), ...(details ? { details } : {}) };
    },
    list: async (api, c, query) => dataOf(await api.GET('/api/v1/companies/{companyUuid}/invoices', { params: { path: path(c), query } })) as ListAnswer,
    read: async (api, c, id) => dataOf(await api.GET('/api/v1/companies/{companyUuid}/invoices/{invoiceId}', { params: { path: { ...path(c), invoiceId: id } } })) as Json,
    create: async (api, c, body) => dataOf(await api.POST('/api/v1/companies/{companyUuid}/invoices', { params: { path: path(c) }, body: body as Schemas['InvoicePayload'] })) as Json,
    update: async (api, c, id, body) => dataOf(await api.PUT('/api/v1/companies/{companyUuid}/invoices/{invoiceId}', { params: { path: { ...path(c), invoiceId: id } }, body: body as Schemas['InvoicePayload'] })) as Json,
  },
  shipment: {
    type: 'shipment',
    label: 'shipment',
    operations: { list: 'shipments.list', read: 'shipments.read', create: 'shipments.create', update: 'shipments.update' },
    filters: { vendor: false, warehouse: true },
    dateMeaning: 'arrival (start_date) and dispatch (end_date)',
    header: {
      ref_number: refNumber(true),
      name,
      date_shipment_sent: date('Dispatch date'),
      date_shipment_arrived: isoDate.nullable().optional().describe('Arrival date (YYYY-MM-DD).'),
      origin_market: market.describe('Origin marketplace, two letters.'),
      destination_market: market.describe('Destination marketplace, two letters.'),
      origin_warehouse_id: warehouseId('Origin warehouse'),
      destination_warehouse_id: warehouseId('Destination warehouse'),
      tracking_number: z.string().max(255).nullable().optional(),
      shipment_method: z.enum(['LTL', 'FTL', 'SPD']).nullable().optional().describe('LTL, FTL or SPD (small parcel).'),
    },
    line: z.object({
      item: itemArg.describe('The inventory item at the origin (id, SKU, ASIN or FNSKU).'),
      quantity_shipped: z.number().int().min(1),
      quantity_received: z.number().int().min(1),
    }),
    linesMeaning: 'the items shipped',
    naming: 'Name each item by id or SKU, and warehouses by id.',
    async toPayload(args, ctx, companyUuid) {
      const items = await mapLines(args, async (l) => ({ origin_inventory_id: await itemId(ctx, companyUuid, l['item']), quantity_shipped: l['quantity_shipped'], quantity_received: l['quantity_received'] }));
      return {
        ...pass(args, ['ref_number', 'name', 'date_shipment_sent', 'date_shipment_arrived', 'origin_market', 'destination_market', 'origin_warehouse_id', 'destination_warehouse_id', 'tracking_number', 'shipment_method']),
        ...(items ? { items } : {}),
      };
    },
    list: async (api, c, query) => dataOf(await api.GET('/api/v1/companies/{companyUuid}/shipments', { params: { path: path(c), query } })) as ListAnswer,
    read: async (api, c, id) => dataOf(await api.GET('/api/v1/companies/{companyUuid}/shipments/{shipmentId}', { params: { path: { ...path(c), shipmentId: id } } })) as Json,
    create: async (api, c, body) => dataOf(await api.POST('/api/v1/companies/{companyUuid}/shipments', { params: { path: path(c) }, body: body as Schemas['ShipmentPayload'] })) as Json,
    update: async (api, c, id, body) => dataOf(await api.PUT('/api/v1/companies/{companyUuid}/shipments/{shipmentId}', { params: { path: { ...path(c), shipmentId: id } }, body: body as Schemas['ShipmentPayload'] })) as Json,
  },
  assembly_order: {
    type: 'assembly_order',
    label: 'assembly order',
    operations: { list: 'assemblyOrders.list', read: 'assemblyOrders.read', create: 'assemblyOrders.create', update: 'assemblyOrders.update' },
    filters: { vendor: false, warehouse: true },
    dateMeaning: 'the assembly date',
    header: {
      ref_number: refNumber(true),
      name,
      date_order_assembled: date('Assembly date'),
      market,
      warehouse_id: warehouseId('Warehouse where the assembly took place'),
    },
    line: z.object({
      assembly_id: z.number().int().positive().describe('The assembly (kit) id, as shown on an assembly order already read.'),
      quantity: z.number().int().min(1).describe('Units to assemble.'),
    }),
    linesMeaning: 'the assemblies built',
    naming: 'Name assemblies and the warehouse by id.',
    async toPayload(args) {
      const items = (args['lines'] as Json[] | undefined)?.map((l) => ({ assembly_id: l['assembly_id'], quantity: l['quantity'] }));
      return { ...pass(args, ['ref_number', 'name', 'date_order_assembled', 'market', 'warehouse_id']), ...(items ? { items } : {}) };
    },
    list: async (api, c, query) => dataOf(await api.GET('/api/v1/companies/{companyUuid}/assembly-orders', { params: { path: path(c), query } })) as ListAnswer,
    read: async (api, c, id) => dataOf(await api.GET('/api/v1/companies/{companyUuid}/assembly-orders/{orderId}', { params: { path: { ...path(c), orderId: id } } })) as Json,
    create: async (api, c, body) => dataOf(await api.POST('/api/v1/companies/{companyUuid}/assembly-orders', { params: { path: path(c) }, body: body as Schemas['AssemblyOrderPayload'] })) as Json,
    update: async (api, c, id, body) => dataOf(await api.PUT('/api/v1/companies/{companyUuid}/assembly-orders/{orderId}', { params: { path: { ...path(c), orderId: id } }, body: body as Schemas['AssemblyOrderPayload'] })) as Json,
  },
  adjustment: {
    type: 'adjustment',
    label: 'adjustment',
    operations: { list: 'adjustments.list', read: 'adjustments.read', create: 'adjustments.create', update: 'adjustments.update' },
    filters: { vendor: false, warehouse: false },
    dateMeaning: 'the transaction date',
    header: {
      ref_number: refNumber(true),
      name,
      date: date('Transaction date'),
      market,
      currency,
      reason: z.string().max(100).nullable().optional().describe('Damaged, Misplaced or Administrative Errors.'),
      warehouse_id: warehouseId('Warehouse the adjustment applies to'),
    },
    line: z.object({
      item: itemArg,
      service,
      quantity: z.number().int().min(1).describe('Units written off.'),
      rate: z.number().describe('Unit cost; the line amount is quantity × rate.'),
    }),
    linesMeaning: 'the items adjusted',
    naming: 'Name each item by id or SKU, and each service by id or name.',
    async toPayload(args, ctx, companyUuid) {
      const details = await mapLines(args, async (l) => ({
        inventory_id: await itemId(ctx, companyUuid, l['item']),
        service_id: await resolveServiceId(ctx, companyUuid, l['service'] as string | number),
        quantity: l['quantity'],
        rate: l['rate'],
      }));
      return { ...pass(args, ['ref_number', 'name', 'date', 'market', 'currency', 'reason', 'warehouse_id']), ...(details ? { details } : {}) };
    },
    list: async (api, c, query) => dataOf(await api.GET('/api/v1/companies/{companyUuid}/adjustments', { params: { path: path(c), query } })) as ListAnswer,
    read: async (api, c, id) => dataOf(await api.GET('/api/v1/companies/{companyUuid}/adjustments/{adjustmentId}', { params: { path: { ...path(c), adjustmentId: id } } })) as Json,
    create: async (api, c, body) => dataOf(await api.POST('/api/v1/companies/{companyUuid}/adjustments', { params: { path: path(c) }, body: body as Schemas['AdjustmentPayload'] })) as Json,
    update: async (api, c, id, body) => dataOf(await api.PUT('/api/v1/companies/{companyUuid}/adjustments/{adjustmentId}', { params: { path: { ...path(c), adjustmentId: id } }, body: body as Schemas['AdjustmentPayload'] })) as Json,
  },
};

// ---- the compact view ------------------------------------------------------------------------

const DATE_FIELD: Record<DocumentType, string> = {
  inventory_order: 'date_manufacturing_completed', bill: 'date', invoice: 'transaction_date',
  shipment: 'date_shipment_sent', assembly_order: 'date_order_assembled', adjustment: 'transaction_date',
};

const ref = (value: unknown): { id: number; name: string | null } | undefined => {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Json;
  return typeof v['id'] === 'number' ? { id: v['id'], name: typeof v['name'] === 'string' ? v['name'] : null } : undefined;
};

/** Drops null and undefined, so a result carries only what is known. */
const compact = (o: Json): Json => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Installments and what is still open; `classification` is internal to NeonPanel and left out. */
export function paymentSummary(requests: unknown): Json | undefined {
  if (!Array.isArray(requests) || requests.length === 0) return undefined;
  const rows = requests as Json[];
  const due = round2(rows.reduce((s, p) => s + (Number(p['amount_due']) || 0), 0));
  const paid = round2(rows.reduce((s, p) => s + (Number(p['paid_amount']) || 0), 0));
  const open = round2(due - paid);
  return {
    status: open <= 0 ? 'paid' : paid > 0 ? 'partly paid' : 'unpaid',
    total_due: due,
    paid,
    open,
    installments: rows.map((p) => compact({
      id: p['id'], description: p['description'], due_date: p['due_date'], amount_due: p['amount_due'], paid_amount: p['paid_amount'], payment_date: p['payment_date'],
    })),
  };
}

function linesOf(type: DocumentType, r: Json): Json[] {
  const list = (key: string) => (Array.isArray(r[key]) ? (r[key] as Json[]) : []);
  switch (type) {
    case 'inventory_order':
      return list('details').map((l) => compact({ inventory_id: l['inventory_id'], sku: l['sku'], name: l['name'], quantity: l['quantity'], price: l['price'] }));
    case 'bill':
      return list('details').map((l) => compact({ service_id: l['service_id'], service: l['service_name'], group: l['service_group'], quantity: l['quantity'], rate: l['rate'], amount: l['amount'] }));
    case 'invoice':
    case 'adjustment':
      return list('details').map((l) => compact({
        inventory_id: l['inventory_id'], sku: l['sku'], product: l['product_name'], service_id: l['service_id'], service: l['service_name'], quantity: l['quantity'], amount: l['amount'],
      }));
    case 'shipment':
      return list('items').map((l) => {
        const origin = (l['origin_inventory'] ?? {}) as Json;
        return compact({ inventory_id: origin['id'], sku: origin['sku'], name: origin['name'], quantity_shipped: l['quantity_shipped'], quantity_received: l['quantity_received'] });
      });
    case 'assembly_order':
      return list('items').map((l) => compact({ assembly_id: l['assembly_id'], sku: l['assembly_sku'], name: l['assembly_name'], quantity: l['quantity'] }));
  }
}

/** One document, compact: header, references by id and name, lines, and (orders, bills) payments. */
export function documentView(type: DocumentType, r: Json, detail: boolean): Json {
  const warehouse = ref(r['warehouse']);
  const payments = paymentSummary(r['payment_requests']);
  const lines = linesOf(type, r);
  const view: Json = {
    type,
    id: r['id'],
    ref_number: r['ref_number'] ?? null,
    name: r['name'] ?? null,
    date: r[DATE_FIELD[type]] ?? null,
    ...compact({
      link: r['link'],
      source: r['source'] ?? r['source_type'],
      date_order_placed: r['date_order_placed'],
      date_shipment_arrived: r['date_shipment_arrived'],
      reason: r['reason'],
      market: r['market'],
      origin_market: r['origin_market'],
      destination_market: r['destination_market'],
      amount: r['total_amount'] ?? r['amount'],
      currency: r['currency'],
      vendor: ref(r['vendor']),
      customer: ref(r['customer']),
      sales_channel: ref(r['sales_channel']),
      payment_term: ref(r['payment_term']),
      warehouse,
      origin_warehouse: ref(r['origin_warehouse']),
      destination_warehouse: ref(r['destination_warehouse']),
      tracking_number: r['tracking_number'],
      shipment_method: r['shipment_method'],
      carrier: r['carrier_name'],
    }),
  };
  if (detail) {
    view['lines'] = lines;
    if (Array.isArray(r['documents']) && (r['documents'] as Json[]).length > 0) {
      view['linked_documents'] = (r['documents'] as Json[]).map((d) => compact({ type: typeOfClass(d['type'] as string) ?? d['type'], id: d['id'], ref_number: d['ref_number'], date: d['date'] }));
    }
    if (payments) view['payments'] = payments;
  } else {
    view['line_count'] = lines.length;
    if (payments) {
      view['payment_status'] = payments['status'];
      view['open_amount'] = payments['open'];
    }
  }
  return view;
}

export const documentSummarySchema = z.looseObject({
  type: z.enum(DOCUMENT_TYPES),
  id: z.number().int(),
  ref_number: z.string().nullable(),
  name: z.string().nullable(),
  date: z.string().nullable(),
  line_count: z.number().int(),
  payment_status: z.enum(['paid', 'partly paid', 'unpaid']).optional(),
  open_amount: z.number().optional(),
});

export const documentDetailSchema = z.looseObject({
  type: z.enum(DOCUMENT_TYPES),
  id: z.number().int(),
  ref_number: z.string().nullable(),
  name: z.string().nullable(),
  date: z.string().nullable(),
  lines: z.array(z.looseObject({})),
  payments: z.looseObject({ status: z.string(), total_due: z.number(), paid: z.number(), open: z.number(), installments: z.array(z.looseObject({ id: z.number().int().optional() })) }).optional(),
});
