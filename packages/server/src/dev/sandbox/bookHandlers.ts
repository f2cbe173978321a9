/**
 * Handlers for the accounting side of the API (documents, payment requests, vendors, services,
 * payment terms, sales channels), products, inventory-item writes, listing sync and
 * forecasting settings, served from `books.ts` and the data set. Requests arrive validated
 * against the contract; what the contract leaves to the server (references that must exist,
 * the Entry Locked Date) is checked here, with NeonPanel's statuses (422 and 400).
 */
import type { CompanyData, SandboxItem } from './dataset.js';
import {
  ADJUSTMENT_REASONS, LOCK_DATE_FIELD, SALES_CHANNELS, documentAmount, schedulePayments, warehouseById,
  type CompanyBooks, type DocumentKind, type PaymentRequest, type StoredDocument,
} from './books.js';
import { company, contains, HttpFailure, invalid, item, ok, paginate, str, type Handler, type HandlerContext } from './handlers.js';
import { fullItemJson, itemJson, listingJson, productJson, restockJson, userJson } from './serializers.js';

const KNOWN_MARKETS = new Set(['US', 'CA', 'MX', 'BR', 'GB', 'IE', 'DE', 'FR', 'IT', 'ES', 'NL', 'SE', 'PL', 'BE', 'TR', 'JP', 'AU', 'SG', 'IN', 'AE', 'SA']);
/** Laravel's default page size for these lists; the contract's list operations take no page parameter. */
const DOCUMENT_PAGE_SIZE = 15;
const PROJECT_PATHS: Record<DocumentKind, string> = {
  InventoryOrder: 'inventory-orders', Bill: 'bills-and-expenses', Invoice: 'invoicing', Shipment: 'inventory-shipments',
  AssemblyOrder: 'inventory-orders', Adjustment: 'adjustments',
};

type Fields = Record<string, unknown>;
const body = (ctx: HandlerContext): Fields => (typeof ctx.body === 'object' && ctx.body !== null ? ctx.body as Fields : {});
const idParam = (ctx: HandlerContext, name: string): number => Number(ctx.path[name]);
const booksOf = (ctx: HandlerContext, data: CompanyData) => ctx.books.of(data);

// ---- resources ------------------------------------------------------------------------------

function warehouseResource(data: CompanyData, books: CompanyBooks, id: unknown) {
  const w = warehouseById(data, books, id);
  return w ? { warehouse: { id: books.warehouseIds.get(w.uuid)!, uuid: w.uuid, name: w.name, type: w.type, country_code: w.country_code } } : {};
}
const warehouseObject = (data: CompanyData, books: CompanyBooks, id: unknown) => warehouseResource(data, books, id).warehouse;

const linkOf = (doc: StoredDocument) => (doc.projectUuid ? `https://my.neonpanel.com/app/processes/${PROJECT_PATHS[doc.kind]}/tasks/${doc.projectUuid}` : null);

function documentRef(doc: StoredDocument) {
  return {
    id: doc.id,
    type: doc.kind,
    link: linkOf(doc),
    ref_number: (doc.fields['ref_number'] as string | undefined) ?? null,
    date: (doc.fields[LOCK_DATE_FIELD[doc.kind]] as string | null | undefined) ?? null,
  };
}

const paymentJson = (p: PaymentRequest) => ({
  id: p.id, amount_due: p.amount_due, paid_amount: p.paid_amount, due_date: p.due_date, payment_date: p.payment_date,
  currency: p.currency, description: p.description, classification: p.classification, transaction_number: p.transaction_number, memo: p.memo,
});

const paymentsOf = (books: CompanyBooks, doc: StoredDocument) =>
  [...books.payments.values()].filter((p) => p.kind === doc.kind && p.documentId === doc.id).map(paymentJson);

const named = (list: ReadonlyArray<{ id: number; name: string }>, id: unknown) => {
  const found = list.find((x) => x.id === id);
  return found ? { id: found.id, name: found.name } : null;
};

function itemSnapshot(data: CompanyData, id: unknown): SandboxItem | undefined {
  return data.items.find((i) => i.id === id);
}

function documentResource(data: CompanyData, books: CompanyBooks, doc: StoredDocument): Fields {
  const f = doc.fields;
  const head = { id: doc.id, name: (f['name'] as string | null | undefined) ?? null, link: linkOf(doc), ref_number: (f['ref_number'] as string | undefined) ?? null };
  const service = (id: unknown) => books.services.find((s) => s.id === id);
  switch (doc.kind) {
    case 'InventoryOrder':
      return {
        ...head,
        date_order_placed: f['date_order_placed'] ?? null,
        date_manufacturing_completed: f['date_manufacturing_completed'] ?? null,
        market: f['market'] ?? null,
        total_amount: documentAmount(doc),
        currency: f['currency'] ?? null,
        vendor: named(books.vendors, f['vendor_id']),
        ...warehouseResource(data, books, f['warehouse_id']),
        payment_term: named(books.paymentTerms, f['payment_term_id']),
        details: doc.lines.map((l) => {
          const i = itemSnapshot(data, l['inventory_id']);
          return { inventory_id: l['inventory_id'], sku: i?.sku ?? '', name: i?.name ?? '', quantity: l['quantity'], price: l['price'] };
        }),
        payment_requests: paymentsOf(books, doc),
      };
    case 'Bill':
      return {
        ...head,
        date: f['date'] ?? null,
        market: f['market'] ?? null,
        amount: documentAmount(doc),
        currency: f['currency'] ?? null,
        vendor: named(books.vendors, f['vendor_id']),
        payment_term: named(books.paymentTerms, f['payment_term_id']),
        documents: ((f['documents'] as Array<{ id: number }> | null | undefined) ?? [])
          .map((d) => books.documents.get(d.id))
          .filter((d): d is StoredDocument => d !== undefined)
          .map(documentRef),
        details: doc.lines.map((l) => {
          const s = service(l['service_id']);
          return {
            service_id: l['service_id'], service_name: s?.name ?? null, service_group: s?.group ?? null,
            quantity: l['quantity'], rate: l['rate'], amount: Math.round(Number(l['quantity']) * Number(l['rate']) * 100) / 100,
          };
        }),
        payment_requests: paymentsOf(books, doc),
      };
    case 'Invoice': {
      const customer = books.customers.find((c) => c.id === f['customer_id']);
      return {
        ...head,
        source: doc.source,
        transaction_date: f['transaction_date'] ?? null,
        market: f['market'] ?? null,
        amount: documentAmount(doc),
        currency: f['currency'] ?? null,
        ...warehouseResource(data, books, f['warehouse_id']),
        customer: customer ? { id: customer.id, bk_id: null, bk_type: null, name: customer.name, code: customer.code } : null,
        sales_channel: named(SALES_CHANNELS, f['sales_channel_id']),
        details: doc.lines.map((l) => {
          const i = itemSnapshot(data, l['inventory_id']);
          const s = service(l['service_id']);
          return {
            inventory_id: l['inventory_id'] ?? null, service_id: l['service_id'], sku: i?.sku ?? null, product_name: i?.name ?? null,
            service_name: s?.name ?? '', service_group: s?.group ?? null, quantity: l['quantity'], amount: l['amount'],
          };
        }),
      };
    }
    case 'Shipment':
      return {
        ...head,
        source_type: 'Manual',
        date_shipment_sent: f['date_shipment_sent'] ?? null,
        date_shipment_arrived: f['date_shipment_arrived'] ?? null,
        origin_market: f['origin_market'] ?? null,
        destination_market: f['destination_market'] ?? null,
        ...(warehouseObject(data, books, f['origin_warehouse_id']) ? { origin_warehouse: warehouseObject(data, books, f['origin_warehouse_id']) } : {}),
        ...(warehouseObject(data, books, f['destination_warehouse_id']) ? { destination_warehouse: warehouseObject(data, books, f['destination_warehouse_id']) } : {}),
        tracking_number: f['tracking_number'] ?? null,
        shipment_method: f['shipment_method'] ?? null,
        carrier_name: f['shipment_method'] === 'SPD' ? 'UPS' : null,
        items: doc.lines.map((l) => {
          const i = itemSnapshot(data, l['origin_inventory_id']);
          return { origin_inventory: i ? itemJson(i) : null, quantity_shipped: l['quantity_shipped'], quantity_received: l['quantity_received'] };
        }),
      };
    case 'AssemblyOrder':
      return {
        ...head,
        date_order_assembled: f['date_order_assembled'] ?? null,
        market: f['market'] ?? null,
        ...warehouseResource(data, books, f['warehouse_id']),
        items: doc.lines.map((l) => {
          const a = books.assemblies.find((x) => x.id === l['assembly_id']);
          return { assembly_id: l['assembly_id'], assembly_sku: a?.sku ?? null, assembly_name: a?.name ?? null, assembly_description: a?.description ?? null, quantity: l['quantity'] };
        }),
      };
    case 'Adjustment':
      return {
        ...head,
        reason: f['reason'] ?? null,
        transaction_date: f['date'] ?? null,
        market: f['market'] ?? null,
        amount: documentAmount(doc),
        currency: f['currency'] ?? null,
        ...warehouseResource(data, books, f['warehouse_id']),
        details: doc.lines.map((l) => {
          const i = itemSnapshot(data, l['inventory_id']);
          const s = service(l['service_id']);
          return {
            inventory_id: l['inventory_id'], service_id: l['service_id'], sku: i?.sku ?? null, product_name: i?.name ?? null,
            service_name: s?.name ?? null, service_group: s?.group ?? null, quantity: l['quantity'],
            amount: Math.round(Number(l['quantity']) * Number(l['rate']) * 100) / 100,
          };
        }),
      };
  }
}

// ---- validation -----------------------------------------------------------------------------

const LINES_FIELD: Record<DocumentKind, 'details' | 'items'> = {
  InventoryOrder: 'details', Bill: 'details', Invoice: 'details', Adjustment: 'details', Shipment: 'items', AssemblyOrder: 'items',
};
/** Kinds whose payload says `ref_number` is required on create. */
const REF_REQUIRED: ReadonlySet<DocumentKind> = new Set(['Invoice', 'Shipment', 'AssemblyOrder', 'Adjustment']);

function lockedRefusal(date: string, locked: string): HttpFailure {
  return new HttpFailure(400, { message: `The document date ${date} is before the company's Entry Locked Date ${locked}.` });
}

/** The references a payload names must exist in the company: otherwise 422, field by field. */
function checkReferences(data: CompanyData, books: CompanyBooks, kind: DocumentKind, f: Fields): void {
  const errors: Record<string, string[]> = {};
  const bad = (field: string, message = `The selected ${field.replace(/_/g, ' ')} is invalid.`) => { (errors[field] ??= []).push(message); };
  const exists = (field: string, ok: (v: unknown) => boolean) => {
    if (f[field] !== undefined && f[field] !== null && !ok(f[field])) bad(field);
  };
  for (const market of ['market', 'origin_market', 'destination_market']) exists(market, (v) => KNOWN_MARKETS.has(String(v)));
  exists('vendor_id', (v) => books.vendors.some((x) => x.id === v));
  exists('payment_term_id', (v) => books.paymentTerms.some((x) => x.id === v));
  for (const w of ['warehouse_id', 'origin_warehouse_id', 'destination_warehouse_id']) exists(w, (v) => warehouseById(data, books, v) !== undefined);
  exists('customer_id', (v) => books.customers.some((x) => x.id === v));
  exists('sales_channel_id', (v) => SALES_CHANNELS.some((x) => x.id === v));
  if (kind === 'Adjustment') exists('reason', (v) => ADJUSTMENT_REASONS.includes(String(v)));
  for (const [n, d] of ((f['documents'] as Array<{ type: string; id: number }> | null | undefined) ?? []).entries()) {
    const found = books.documents.get(d.id);
    if (!found || found.kind !== d.type) bad(`documents.${n}.id`, `The selected documents.${n}.id is invalid.`);
  }
  const lines = (f[LINES_FIELD[kind]] as Fields[] | null | undefined) ?? [];
  lines.forEach((l, n) => {
    const at = `${LINES_FIELD[kind]}.${n}`;
    const line = (field: string, ok: boolean) => { if (!ok) bad(`${at}.${field}`, `The selected ${at}.${field} is invalid.`); };
    if ('service_id' in l) line('service_id', books.services.some((s) => s.id === l['service_id']));
    if ('assembly_id' in l) line('assembly_id', books.assemblies.some((a) => a.id === l['assembly_id']));
    if ('origin_inventory_id' in l) line('origin_inventory_id', data.items.some((i) => i.id === l['origin_inventory_id']));
    if (kind !== 'InventoryOrder' && l['inventory_id'] !== undefined && l['inventory_id'] !== null) {
      line('inventory_id', data.items.some((i) => i.id === l['inventory_id']));
    }
    if (kind === 'Invoice' && (l['quantity'] === 0)) bad(`${at}.quantity`, `The ${at}.quantity field must not be zero.`);
  });
  if (Object.keys(errors).length > 0) throw new HttpFailure(422, { message: 'The given data was invalid.', errors });
}

/** Header fields and lines of a payload; `null` lines clear them, absent lines leave them. */
function payloadFields(kind: DocumentKind, f: Fields, creating: boolean): { fields: Fields; lines: Fields[] | undefined } {
  const { details: _d, items: _i, ...fields } = f;
  if (!creating) delete fields['ref_number']; // accepted on create only; ignored on update
  const lines = f[LINES_FIELD[kind]] as Fields[] | null | undefined;
  return { fields, lines: lines === null ? [] : lines };
}

/** Inventory order lines naming another company's item are silently skipped, as the contract says. */
const keptLines = (data: CompanyData, kind: DocumentKind, lines: Fields[]) =>
  lines.filter((l) => kind !== 'InventoryOrder' || data.items.some((i) => i.id === l['inventory_id']));

// ---- documents ------------------------------------------------------------------------------

interface DocumentRoute {
  kind: DocumentKind;
  idParam: string;
  notFound: string;
  /** Which stored date the list's start_date/end_date filter. */
  listDate: (d: StoredDocument) => string | null;
  /** Shipments filter start_date on arrival and end_date on dispatch. */
  listEndDate?: (d: StoredDocument) => string | null;
  search: (d: StoredDocument) => string[];
}

const dateOf = (field: string) => (d: StoredDocument) => (d.fields[field] as string | null | undefined) ?? null;
const refAndName = (d: StoredDocument) => [String(d.fields['ref_number'] ?? ''), String(d.fields['name'] ?? '')];

const ROUTES: Record<string, DocumentRoute> = {
  inventoryOrders: { kind: 'InventoryOrder', idParam: 'orderId', notFound: 'Inventory order is not found.', listDate: dateOf('date_manufacturing_completed'), search: refAndName },
  bills: { kind: 'Bill', idParam: 'billId', notFound: 'Bill is not found.', listDate: dateOf('date'), search: refAndName },
  invoices: { kind: 'Invoice', idParam: 'invoiceId', notFound: 'Invoice is not found.', listDate: dateOf('transaction_date'), search: refAndName },
  shipments: { kind: 'Shipment', idParam: 'shipmentId', notFound: 'Shipment is not found.', listDate: dateOf('date_shipment_arrived'), listEndDate: dateOf('date_shipment_sent'), search: refAndName },
  assemblyOrders: { kind: 'AssemblyOrder', idParam: 'orderId', notFound: 'Assembly order is not found.', listDate: dateOf('date_order_assembled'), search: refAndName },
  adjustments: { kind: 'Adjustment', idParam: 'adjustmentId', notFound: 'Adjustment is not found.', listDate: dateOf('date'), search: (d) => [...refAndName(d), String(d.fields['reason'] ?? '')] },
};

function documentIn(ctx: HandlerContext, books: CompanyBooks, route: DocumentRoute): StoredDocument {
  const doc = books.documents.get(idParam(ctx, route.idParam));
  if (!doc || doc.kind !== route.kind) throw new HttpFailure(404, { message: route.notFound });
  return doc;
}

function listHandler(route: DocumentRoute): Handler {
  return (ctx) => {
    const data = company(ctx);
    const books = booksOf(ctx, data);
    const q = ctx.query;
    const search = str(q['search']);
    const warehouses = Array.isArray(q['warehouses']) ? (q['warehouses'] as number[]) : undefined;
    const vendors = Array.isArray(q['vendors']) ? (q['vendors'] as number[]) : undefined;
    const start = str(q['start_date']);
    const end = str(q['end_date']);
    const list = [...books.documents.values()]
      .filter((d) => d.kind === route.kind)
      .filter((d) => !search || route.search(d).some((v) => contains(v, search)))
      .filter((d) => !vendors || vendors.includes(d.fields['vendor_id'] as number))
      .filter((d) => !warehouses || ['warehouse_id', 'origin_warehouse_id', 'destination_warehouse_id'].some((k) => warehouses.includes(d.fields[k] as number)))
      .filter((d) => !start || (route.listDate(d) ?? '') >= start)
      .filter((d) => !end || ((route.listEndDate ?? route.listDate)(d) ?? '9999') <= end)
      .sort((a, b) => (route.listDate(b) ?? '').localeCompare(route.listDate(a) ?? '') || b.id - a.id);
    const filters = Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined));
    return ok({
      current_page: 1,
      per_page: DOCUMENT_PAGE_SIZE,
      last_page: Math.max(1, Math.ceil(list.length / DOCUMENT_PAGE_SIZE)),
      filters,
      data: list.slice(0, DOCUMENT_PAGE_SIZE).map((d) => documentResource(data, books, d)),
    });
  };
}

function readHandler(route: DocumentRoute): Handler {
  return (ctx) => {
    const data = company(ctx);
    const books = booksOf(ctx, data);
    return ok(documentResource(data, books, documentIn(ctx, books, route)));
  };
}

function createHandler(route: DocumentRoute): Handler {
  return (ctx) => {
    const data = company(ctx);
    const books = booksOf(ctx, data);
    const f = body(ctx);
    if (REF_REQUIRED.has(route.kind) && typeof f['ref_number'] !== 'string') {
      throw invalid('ref_number', 'The ref number field is required.');
    }
    checkReferences(data, books, route.kind, f);
    const { fields, lines } = payloadFields(route.kind, f, true);
    const date = fields[LOCK_DATE_FIELD[route.kind]];
    if (typeof date === 'string' && date < data.company.entryLockedDate) throw lockedRefusal(date, data.company.entryLockedDate);
    const doc: StoredDocument = {
      id: books.nextId(),
      kind: route.kind,
      fields: { currency: data.company.currency, ...fields },
      lines: keptLines(data, route.kind, lines ?? []),
      source: route.kind === 'Invoice' ? 'manual' : 'Manual',
      projectUuid: null,
    };
    books.documents.set(doc.id, doc);
    if (route.kind === 'InventoryOrder' || route.kind === 'Bill') schedulePayments(books, doc);
    return ok(documentResource(data, books, doc));
  };
}

function updateHandler(route: DocumentRoute): Handler {
  return (ctx) => {
    const data = company(ctx);
    const books = booksOf(ctx, data);
    const doc = documentIn(ctx, books, route);
    const f = body(ctx);
    const locked = data.company.entryLockedDate;
    const dateField = LOCK_DATE_FIELD[route.kind];
    const current = doc.fields[dateField];
    if (typeof current === 'string' && current < locked) throw lockedRefusal(current, locked);
    const next = f[dateField];
    if (typeof next === 'string' && next < locked) throw lockedRefusal(next, locked);
    checkReferences(data, books, route.kind, f);
    const { fields, lines } = payloadFields(route.kind, f, false);
    Object.assign(doc.fields, fields);
    if (lines !== undefined) doc.lines = keptLines(data, route.kind, lines);
    if ((route.kind === 'InventoryOrder' || route.kind === 'Bill') && (lines !== undefined || 'payment_term_id' in f || 'vendor_id' in f || dateField in f)) {
      schedulePayments(books, doc);
    }
    return ok(documentResource(data, books, doc));
  };
}

const documentHandlers: Record<string, Handler> = {};
for (const [prefix, route] of Object.entries(ROUTES)) {
  documentHandlers[`${prefix}.list`] = listHandler(route);
  documentHandlers[`${prefix}.read`] = readHandler(route);
  documentHandlers[`${prefix}.create`] = createHandler(route);
  documentHandlers[`${prefix}.update`] = updateHandler(route);
}

// ---- payment requests -----------------------------------------------------------------------

function paymentItem(books: CompanyBooks, p: PaymentRequest) {
  const doc = books.documents.get(p.documentId);
  return { ...paymentJson(p), document: doc ? documentRef(doc) : {} };
}

const paymentRequestsList: Handler = (ctx) => {
  const data = company(ctx);
  const books = booksOf(ctx, data);
  const start = str(ctx.query['start_date']);
  const end = str(ctx.query['end_date']);
  const list = [...books.payments.values()]
    .filter((p) => (!start || (p.due_date ?? '') >= start) && (!end || (p.due_date ?? '9999') <= end))
    .sort((a, b) => (a.due_date ?? '').localeCompare(b.due_date ?? '') || a.id - b.id);
  const perPage = 20;
  return ok({
    current_page: 1,
    per_page: perPage,
    last_page: Math.max(1, Math.ceil(list.length / perPage)),
    filters: { ...(start ? { start_date: start } : {}), ...(end ? { end_date: end } : {}) },
    data: list.slice(0, perPage).map((p) => paymentItem(books, p)),
  });
};

const paymentRequestsUpdate: Handler = (ctx) => {
  const data = company(ctx);
  const books = booksOf(ctx, data);
  const p = books.payments.get(idParam(ctx, 'paymentId'));
  if (!p) throw new HttpFailure(404, { message: 'Payment request is not found.' });
  const f = body(ctx);
  if (typeof f['paid_amount'] === 'number' && f['paid_amount'] < 0) throw invalid('paid_amount', 'The paid amount field must be at least 0.');
  const paymentDate = f['payment_date'];
  if (typeof paymentDate === 'string' && paymentDate < data.company.entryLockedDate) throw lockedRefusal(paymentDate, data.company.entryLockedDate);
  for (const key of ['paid_amount', 'payment_date', 'transaction_number', 'memo'] as const) {
    if (key in f) (p as unknown as Fields)[key] = key === 'paid_amount' ? (f[key] ?? 0) : f[key];
  }
  return ok(paymentItem(books, p));
};

// ---- reference data -------------------------------------------------------------------------

function byName<T extends { name: string | null }>(ctx: HandlerContext, list: readonly T[]) {
  const search = str(ctx.query['search']);
  const perPage = typeof ctx.query['per_page'] === 'number' ? ctx.query['per_page'] : 100;
  const found = list.filter((x) => !search || contains(x.name ?? '', search));
  return {
    current_page: 1,
    per_page: perPage,
    last_page: Math.max(1, Math.ceil(found.length / Math.max(perPage, 1))),
    filters: { ...(search ? { search } : {}) },
    data: found.slice(0, Math.max(perPage, 1)),
  };
}

const vendorsList: Handler = (ctx) => ok(byName(ctx, booksOf(ctx, company(ctx)).vendors));
const servicesList: Handler = (ctx) => ok(byName(ctx, booksOf(ctx, company(ctx)).services));
const paymentTermsList: Handler = (ctx) => ok({ data: booksOf(ctx, company(ctx)).paymentTerms });
const salesChannelsList: Handler = () => ok({ data: SALES_CHANNELS });

// ---- products, inventory items, listings ----------------------------------------------------

function productIn(ctx: HandlerContext, data: CompanyData) {
  const found = data.products.find((p) => p.id === idParam(ctx, 'productId'));
  if (!found) throw new HttpFailure(404, { message: 'Product is not found.' });
  return found;
}

const getProducts: Handler = (ctx) => {
  const data = company(ctx);
  const f = body(ctx) as { id?: number; sku?: string; search?: string };
  const list = data.products
    .filter((p) => (f.id === undefined || p.id === f.id) && (!f.sku || p.sku === f.sku)
      && (!f.search || [p.sku, p.name, p.parent_sku].some((v) => contains(v, f.search!))))
    .map(productJson);
  return ok({ ...paginate({ ...ctx, query: { per_page: 60 } }, list) });
};

const createProduct: Handler = (ctx) => {
  const data = company(ctx);
  const template = data.products[0]!;
  const id = Math.max(...data.products.map((p) => p.id)) + 1;
  const product = { ...template, id, sku: `${data.company.short_name}-NEW-${id}`, parent_sku: `${data.company.short_name}-NEW-${id}`, name: 'New product', listingId: 0, asin: '' };
  data.products.push(product);
  return ok(productJson(product));
};

const updateProduct: Handler = (ctx) => ok(productJson(productIn(ctx, company(ctx))));

const deleteProduct: Handler = (ctx) => {
  const data = company(ctx);
  const product = productIn(ctx, data);
  data.products.splice(data.products.indexOf(product), 1);
  return { status: 204 };
};


function applyItemFields(data: CompanyData, i: SandboxItem, f: Fields): void {
  if (typeof f['country_code'] === 'string') {
    if (!KNOWN_MARKETS.has(f['country_code'])) throw invalid('country_code', 'The selected country code is invalid.');
    i.country_code = f['country_code'];
  }
  if (typeof f['fnsku'] === 'string') i.fnsku = f['fnsku'];
  if (typeof f['variation'] === 'string') i.variation = f['variation'];
  if (typeof f['source'] === 'string') i.source = f['source'];
  if (f['product_id'] !== undefined) {
    const product = data.products.find((p) => p.id === f['product_id']);
    if (!product) throw invalid('product_id', 'The selected product id is invalid.');
    Object.assign(i, { product, name: product.name, asin: product.asin });
  }
  if (f['manager_id'] !== undefined && f['manager_id'] !== data.manager?.id) throw invalid('manager_id', 'The selected manager id is invalid.');
  if (f['listing_id'] !== undefined && !data.products.some((p) => p.listingId === f['listing_id'])) throw invalid('listing_id', 'The selected listing id is invalid.');
  if (typeof f['restock_data'] === 'object' && f['restock_data'] !== null) {
    i.restockOverride = { ...i.restockOverride, ...(f['restock_data'] as Fields) };
  }
}

const createInventoryItem: Handler = (ctx) => {
  const data = company(ctx);
  const f = body(ctx);
  const product = data.products.find((p) => p.id === f['product_id']);
  if (!product) throw invalid('product_id', f['product_id'] === undefined ? 'The product id field is required.' : 'The selected product id is invalid.');
  const country = typeof f['country_code'] === 'string' ? f['country_code'] : data.company.marketplaces[0]!;
  const template = data.items[0]!;
  const created: SandboxItem = {
    ...template,
    id: Math.max(...data.items.map((i) => i.id)) + 1,
    product,
    name: product.name,
    sku: `${product.sku}-${country}`,
    fnsku: typeof f['fnsku'] === 'string' ? f['fnsku'] : '',
    asin: product.asin,
    country_code: country,
    baseMonthlyUnits: 0,
    reserveUnits: 0,
    createdAt: ctx.now.toISOString(),
  };
  applyItemFields(data, created, f);
  data.items.push(created);
  return ok(fullItemJson(data, created));
};

const updateInventoryItem: Handler = (ctx) => {
  const data = company(ctx);
  const i = item(ctx, data);
  applyItemFields(data, i, body(ctx));
  return ok(fullItemJson(data, i));
};

const deleteInventoryItem: Handler = (ctx) => {
  const data = company(ctx);
  const i = item(ctx, data);
  data.items.splice(data.items.indexOf(i), 1);
  return { status: 204 };
};

const syncListing: Handler = (ctx) => {
  const data = company(ctx);
  const product = data.products.find((p) => p.listingId === idParam(ctx, 'listingId'));
  if (!product) throw new HttpFailure(404, { message: 'Listing is not found.' });
  return ok(listingJson(product, data));
};

// ---- forecasting ----------------------------------------------------------------------------

const getCompanyForecastingSettings: Handler = (ctx) => ok(booksOf(ctx, company(ctx)).forecasting);

const updateCompanyForecastingSettings: Handler = (ctx) => {
  const books = booksOf(ctx, company(ctx));
  const f = body(ctx);
  const seasonality = f['default_seasonality'];
  if (typeof seasonality === 'string' && !/^\d+(\.\d+)?(;\d+(\.\d+)?){11}$/.test(seasonality)) {
    throw invalid('default_seasonality', 'The default seasonality field must be 12 numbers separated by semicolons.');
  }
  Object.assign(books.forecasting, f);
  return ok({ success: true });
};

export const BOOK_HANDLERS: Readonly<Record<string, Handler>> = {
  ...documentHandlers,
  'paymentRequests.list': paymentRequestsList,
  'paymentRequests.update': paymentRequestsUpdate,
  'vendors.list': vendorsList,
  'services.list': servicesList,
  'paymentTerms.list': paymentTermsList,
  'salesChannels.list': salesChannelsList,
  getProducts,
  createProduct,
  updateProduct,
  deleteProduct,
  createInventoryItem,
  updateInventoryItem,
  deleteInventoryItem,
  syncListing,
  getCompanyForecastingSettings,
  updateCompanyForecastingSettings,
};
