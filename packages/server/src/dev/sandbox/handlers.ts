/**
 * One handler per operation the sandbox serves, keyed by operationId. Handlers receive a
 * request that already passed authentication and spec validation (query values coerced to
 * their declared types) and answer with status, body and headers.
 */
import type { CompanyData, SandboxDataset, SandboxItem, SandboxWarehouse } from './dataset.js';
import { ALL_PERMISSIONS, REPORTS, permissionsOf, reportsVisibleTo } from './access.js';
import { IMPORT_INSTRUCTIONS, instructionsAsText, type ImportStore } from './imports.js';
import type { BookStore } from './books.js';
import { balanceOn, batchesIn, cents, salesOf, today, type ApiDocument } from './ledger.js';
import {
  companyJson, fullItemJson, itemJson, listingJson, productJson, restockJson, userJson, warehouseJson,
} from './serializers.js';

export interface HandlerContext {
  dataset: SandboxDataset;
  imports: ImportStore;
  /** Accounting documents, payment requests and reference data (books.ts). */
  books: BookStore;
  subject: string;
  path: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
  accept: string;
  /** Media type of the request body, lower case, without parameters. */
  contentType: string;
  now: Date;
  /** Sent with 202 import status answers. */
  importRetryAfterSeconds: number;
}

export interface HandlerResult {
  status: number;
  /** JSON body. */
  body?: unknown;
  /** Plain-text body, instead of JSON. */
  text?: string;
  headers?: Record<string, string>;
}

export type Handler = (ctx: HandlerContext) => HandlerResult;

/** Thrown by helpers to end a request early with an error answer. */
export class HttpFailure extends Error {
  constructor(readonly status: number, readonly body: { message: string; errors?: Record<string, string[]> }) {
    super(body.message);
  }
}

const FORBIDDEN = 'This action is unauthorized.';

export const ok = (body: unknown, headers?: Record<string, string>): HandlerResult => ({ status: 200, body, ...(headers ? { headers } : {}) });

export function invalid(field: string, message: string): HttpFailure {
  return new HttpFailure(422, { message, errors: { [field]: [message] } });
}

function accessible(ctx: HandlerContext): CompanyData[] {
  const uuids = ctx.dataset.access.get(ctx.subject) ?? new Set<string>();
  return ctx.dataset.companies.filter((c) => uuids.has(c.company.uuid));
}

/** The company in the path; 403 for one the caller cannot access, existing or not, as the API does. */
export function company(ctx: HandlerContext): CompanyData {
  const uuid = ctx.path['companyUuid'] ?? '';
  const data = ctx.dataset.company(uuid);
  if (!data || !ctx.dataset.access.get(ctx.subject)?.has(uuid)) throw new HttpFailure(403, { message: FORBIDDEN });
  return data;
}

export function item(ctx: HandlerContext, data: CompanyData): SandboxItem {
  const id = Number(ctx.path['inventoryId']);
  const found = data.items.find((i) => i.id === id);
  if (!found) throw new HttpFailure(404, { message: 'Inventory item is not found.' });
  return found;
}

export function paginate<T>(ctx: HandlerContext, list: readonly T[]): { current_page: number; per_page: number; last_page: number; data: T[] } {
  const page = typeof ctx.query['page'] === 'number' ? ctx.query['page'] : 1;
  const perPage = typeof ctx.query['per_page'] === 'number' ? ctx.query['per_page'] : 30;
  return {
    current_page: page,
    per_page: perPage,
    last_page: Math.max(1, Math.ceil(list.length / perPage)),
    data: list.slice((page - 1) * perPage, page * perPage),
  };
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const strings = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : undefined);

/** start_date (required by the operations using this) and end_date (default today), in order. */
function dateRange(ctx: HandlerContext): { start: string; end: string } {
  const start = str(ctx.query['start_date']) ?? today(ctx.now);
  const end = str(ctx.query['end_date']) ?? today(ctx.now);
  if (end < start) throw invalid('end_date', 'The end date field must be a date after or equal to start date.');
  return { start, end };
}

function warehouseIn(data: CompanyData, uuid: string | undefined, field: string, status: 404 | 422): SandboxWarehouse {
  const found = data.warehouses.find((w) => w.uuid === uuid);
  if (found) return found;
  if (status === 404) throw new HttpFailure(404, { message: 'Warehouse is not found.' });
  throw invalid(field, `The selected ${field.replace(/_/g, ' ')} is invalid.`);
}

export const contains = (haystack: string, needle: string) => haystack.toLowerCase().includes(needle.toLowerCase());

// ---- companies and permissions -------------------------------------------------------------

const listCompanies: Handler = (ctx) => ok(paginate(ctx,
  accessible(ctx).map((c) => companyJson(c.company)).sort((a, b) => a.name.localeCompare(b.name))));

const listPermissions: Handler = () => ok({ permissions: ALL_PERMISSIONS });

const listPermissionsByCompany: Handler = (ctx) => {
  company(ctx);
  return ok({ permissions: permissionsOf(ctx.subject) });
};

const listCompaniesWithPermission: Handler = (ctx) => {
  const requested = strings(ctx.query['company_uuids']);
  const mine = accessible(ctx);
  const scope = requested ? mine.filter((c) => requested.includes(c.company.uuid)) : mine;
  const holds = permissionsOf(ctx.subject).includes(ctx.path['permission'] ?? '');
  return ok({
    filters: { company_uuids: requested ?? mine.map((c) => c.company.uuid) },
    companies: holds ? scope.map((c) => companyJson(c.company)) : [],
  });
};

// ---- reports ---------------------------------------------------------------------------------

const reportJson = (r: (typeof REPORTS)[number]) => ({ id: r.id, title: r.title, group: r.group, description: r.description, link: r.link });

const listReports: Handler = (ctx) => {
  const reports = reportsVisibleTo(ctx.subject);
  return ok({ count: reports.length, data: reports.map(reportJson) });
};

const getReportData: Handler = (ctx) => {
  const id = Number(ctx.path['reportId']);
  const report = REPORTS.find((r) => r.id === id);
  if (!report) throw new HttpFailure(404, { message: 'Report not found.' });
  if (!reportsVisibleTo(ctx.subject).includes(report)) throw new HttpFailure(403, { message: 'No permissions for requested Report.' });
  return ok({ ...reportJson(report), sheets: report.sheets });
};

// ---- warehouses ------------------------------------------------------------------------------

const listWarehouses: Handler = (ctx) => {
  const data = company(ctx);
  const search = str(ctx.query['search']);
  const list = data.warehouses.filter((w) => !search || contains(w.name, search)).map(warehouseJson);
  return ok(paginate(ctx, list));
};

const warehouseBalances: Handler = (ctx) => {
  const data = company(ctx);
  const warehouse = warehouseIn(data, ctx.path['warehouseUuid'], 'warehouseUuid', 404);
  const date = str(ctx.query['balances_date']) ?? today(ctx.now);
  const rows = data.items
    .map((i) => ({ inventory: itemJson(i), balance: balanceOn(i, warehouse, date) }))
    .filter((r) => r.balance !== 0);
  return ok({ ...paginate(ctx, rows), balances_date: date });
};

// ---- inventory -------------------------------------------------------------------------------

const INVENTORY_FILTERS = ['country_code', 'search', 'fnsku', 'asin', 'sku'] as const;

const listInventoryItems: Handler = (ctx) => {
  const data = company(ctx);
  const f = Object.fromEntries(INVENTORY_FILTERS.flatMap((k) => (str(ctx.query[k]) ? [[k, str(ctx.query[k])!]] : [])));
  const list = data.items.filter((i) =>
    (!f['country_code'] || i.country_code === f['country_code'].toUpperCase())
    && (!f['sku'] || i.sku.toLowerCase() === f['sku'].toLowerCase())
    && (!f['asin'] || i.asin.toLowerCase() === f['asin'].toLowerCase())
    && (!f['fnsku'] || i.fnsku.toLowerCase() === f['fnsku'].toLowerCase())
    && (!f['search'] || [i.sku, i.asin, i.fnsku, String(i.id), i.name].some((v) => contains(v, f['search']!))));
  return ok({ ...paginate(ctx, list.map(itemJson)), filters: f });
};

const getInventoryItemFullData: Handler = (ctx) => {
  const data = company(ctx);
  const i = item(ctx, data);
  return ok(fullItemJson(data, i));
};

const inventoryBalances: Handler = (ctx) => {
  const data = company(ctx);
  const i = item(ctx, data);
  const date = str(ctx.query['balances_date']) ?? today(ctx.now);
  return ok({
    inventory: itemJson(i),
    restock_data: restockJson(i),
    balances_data: {
      balances_date: date,
      balances_list: data.warehouses
        .map((w) => ({ warehouse: warehouseJson(w), balance: balanceOn(i, w, date) }))
        .filter((b) => b.balance !== 0),
    },
  });
};

const documentJson = (d: ApiDocument) => ({ ...d });

const listInventoryLandedCosts: Handler = (ctx) => {
  const data = company(ctx);
  const i = item(ctx, data);
  const warehouse = warehouseIn(data, str(ctx.query['warehouse_uuid']), 'warehouse_uuid', 422);
  const { start, end } = dateRange(ctx);
  const batches = batchesIn(data, i, warehouse, start, end);
  const currency = data.company.currency;
  return ok({
    ...paginate(ctx, batches.map((b) => ({
      batch: documentJson(b.receipt.bill),
      currency,
      amount: cents(b.amountCents),
      quantity: b.quantity,
      details: b.lines.map((l) => ({ type: l.type, document: documentJson(l.document), currency, amount: cents(l.amountCents), quantity: l.quantity })),
    }))),
    filters: { country_code: i.country_code, warehouse_uuid: warehouse.uuid, start_date: start, end_date: end },
    company: companyJson(data.company),
    inventory: itemJson(i),
    warehouse: warehouseJson(warehouse),
    currency,
    amount: cents(batches.reduce((s, b) => s + b.amountCents, 0)),
    quantity: batches.reduce((s, b) => s + b.quantity, 0),
  });
};

const listInventoryCogs: Handler = (ctx) => {
  const data = company(ctx);
  const i = item(ctx, data);
  const { start, end } = dateRange(ctx);
  const sales = salesOf(data, i, start, end);
  const currency = data.company.currency;
  const amount = cents(sales.reduce((s, x) => s + x.cogsCents, 0));
  const page = paginate(ctx, sales.map((s) => ({
    document: documentJson(s.invoice),
    currency,
    amount: cents(s.cogsCents),
    quantity: s.quantity,
    details: s.lines.map((l) => ({
      type: l.type, batch: documentJson(l.batch), document: documentJson(l.document), currency, amount: cents(l.amountCents), quantity: l.quantity,
    })),
  })));
  return ok({
    current_page: page.current_page,
    per_page: page.per_page,
    last_page: page.last_page,
    filters: { country_code: i.country_code, start_date: start, end_date: end },
    company: companyJson(data.company),
    inventory: itemJson(i),
    currency,
    amount,
    lost_amount: 0,
    total_amount: amount,
    quantity: sales.reduce((s, x) => s + x.quantity, 0),
    details: page.data,
  });
};

const getListings: Handler = (ctx) => {
  const data = company(ctx);
  // Filters arrive in the query string; see getBodyAsQuery.ts in the client for why.
  const filters = (typeof ctx.body === 'object' && ctx.body !== null ? ctx.body : {}) as { id?: number; asin?: string; search?: string };
  const list = data.products
    .map((p) => listingJson(p, data))
    .filter((l) => (filters.id === undefined || l.id === filters.id)
      && (!filters.asin || l.asin === filters.asin)
      && (!filters.search || contains(l.asin, filters.search) || contains(l.title, filters.search)));
  // The operation takes no page parameters, so the whole list is one page.
  return ok({ current_page: 1, per_page: Math.min(60, Math.max(30, list.length)), last_page: 1, data: list });
};

// ---- revenue and COGS ------------------------------------------------------------------------

type Periodicity = 'total' | 'yearly' | 'quarterly' | 'monthly';

const monthEnd = (year: number, month: number): string => new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);

function bucketOf(date: string, periodicity: Periodicity, start: string, end: string): { start: string; end: string } {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  let from = start;
  let to = end;
  if (periodicity === 'yearly') { from = `${year}-01-01`; to = `${year}-12-31`; }
  if (periodicity === 'quarterly') {
    const first = Math.floor((month - 1) / 3) * 3 + 1;
    from = `${year}-${String(first).padStart(2, '0')}-01`;
    to = monthEnd(year, first + 2);
  }
  if (periodicity === 'monthly') { from = `${year}-${String(month).padStart(2, '0')}-01`; to = monthEnd(year, month); }
  return { start: from < start ? start : from, end: to > end ? end : to };
}

const revenueAndCogsSummary: Handler = (ctx) => {
  const mine = accessible(ctx);
  const requested = strings(ctx.query['company_uuids']);
  if (requested?.some((uuid) => !mine.some((c) => c.company.uuid === uuid))) throw new HttpFailure(403, { message: FORBIDDEN });
  const companies = requested ? mine.filter((c) => requested.includes(c.company.uuid)) : mine;
  const countries = strings(ctx.query['country_codes'])?.map((c) => c.toUpperCase());
  const grouping = [...new Set(strings(ctx.query['grouping']) ?? ['company'])];
  const periodicity = (str(ctx.query['periodicity']) ?? 'total') as Periodicity;
  const { start, end } = dateRange(ctx);

  interface Row {
    start: string; end: string; currency: string; revenue: number; cogs: number;
    company: CompanyData | null; country: string | null; invoice: ApiDocument | null;
  }
  const rows = new Map<string, Row>();
  for (const data of companies) {
    for (const i of data.items) {
      if (countries && !countries.includes(i.country_code)) continue;
      for (const sale of salesOf(data, i, start, end)) {
        const bucket = bucketOf(sale.month.date, periodicity, start, end);
        const companyKey = grouping.includes('company') ? data : null;
        const country = grouping.includes('country') ? i.country_code : null;
        const invoice = grouping.includes('invoice') ? sale.invoice : null;
        // Amounts in different currencies are never added together.
        const key = [bucket.start, companyKey?.company.uuid, country, invoice?.ref_number, data.company.currency].join('|');
        const row = rows.get(key) ?? {
          start: bucket.start, end: bucket.end, currency: data.company.currency, revenue: 0, cogs: 0,
          company: companyKey, country, invoice,
        };
        row.revenue += sale.revenueCents;
        row.cogs += sale.cogsCents;
        rows.set(key, row);
      }
    }
  }
  const data = [...rows.values()]
    .sort((a, b) => a.start.localeCompare(b.start)
      || (a.company?.company.name ?? '').localeCompare(b.company?.company.name ?? '')
      || (a.country ?? '').localeCompare(b.country ?? '')
      || (a.invoice?.ref_number ?? '').localeCompare(b.invoice?.ref_number ?? '')
      || a.currency.localeCompare(b.currency))
    .map((r) => ({
      start_date: r.start,
      end_date: r.end,
      revenue_amount: cents(r.revenue),
      cogs_amount: cents(r.cogs),
      currency: r.currency,
      company: r.company ? companyJson(r.company.company) : null,
      country_code: r.country,
      invoice: r.invoice ? documentJson(r.invoice) : null,
    }));
  return ok({
    filters: {
      company_uuids: companies.map((c) => c.company.uuid),
      country_codes: countries ?? [...new Set(companies.flatMap((c) => c.company.marketplaces))],
      periodicity,
      grouping,
      start_date: start,
      end_date: end,
    },
    data,
  });
};

// ---- import ----------------------------------------------------------------------------------

const getImportInstructions: Handler = (ctx) => {
  const type = ctx.path['type'] ?? '';
  const instructions = IMPORT_INSTRUCTIONS[type];
  if (!instructions) throw new HttpFailure(404, { message: 'Unsupported document type.' });
  if (ctx.accept.includes('text/plain') && !ctx.accept.includes('application/json')) {
    return { status: 200, text: instructionsAsText(type)! };
  }
  return ok(instructions);
};

const createDocuments: Handler = (ctx) => {
  const data = company(ctx);
  const payload = (ctx.body as { data?: unknown } | undefined)?.data;
  const outcome = ctx.imports.create(data, ctx.path['type'] ?? '', payload);
  if (!outcome.ok) {
    throw new HttpFailure(outcome.status, outcome.status === 422 ? { message: outcome.message, errors: outcome.errors } : { message: outcome.message });
  }
  const { record } = outcome;
  const done = record.pollsLeft === 0;
  return ok(
    { request_id: record.requestId, status: done ? 'done' : 'processing', documents: done ? record.documents : [] },
    { 'x-request-id': record.requestId },
  );
};

const createDocumentsByPdf: Handler = (ctx) => {
  const data = company(ctx);
  let fileName = 'upload.pdf'; // multipart uploads are accepted but not parsed
  if (ctx.contentType === 'application/json') {
    fileName = (ctx.body as { file: { name: string } }).file.name;
  } else if (ctx.contentType === 'application/pdf') {
    const name = str(ctx.query['filename']);
    if (!name) throw invalid('filename', 'The filename field is required for an application/pdf upload.');
    if (!String(ctx.body ?? '').startsWith('%PDF')) throw new HttpFailure(400, { message: 'The file is broken.' });
    fileName = name;
  }
  const outcome = ctx.imports.createFromPdf(data, ctx.path['type'] ?? '', fileName);
  if (!outcome.ok) throw new HttpFailure(outcome.status, { message: outcome.message });
  const { record } = outcome;
  return {
    status: 202,
    body: { request_id: record.requestId, status: 'queued' },
    headers: { 'retry-after': String(ctx.importRetryAfterSeconds), 'x-request-id': record.requestId },
  };
};

const checkImportProcessing: Handler = (ctx) => {
  const data = company(ctx);
  const record = ctx.imports.get(ctx.path['requestId'] ?? '');
  if (!record || record.companyUuid !== data.company.uuid || record.type !== ctx.path['type']) {
    throw new HttpFailure(404, { message: 'Import request is not found.' });
  }
  const status = ctx.imports.poll(record);
  if (status === 'processing') {
    return {
      status: 202,
      body: { request_id: record.requestId, status },
      headers: { 'retry-after': String(ctx.importRetryAfterSeconds), 'x-request-id': record.requestId },
    };
  }
  return ok({ request_id: record.requestId, status, documents: record.documents }, { 'x-request-id': record.requestId });
};

/** Every operation the sandbox serves; others answer 501 after auth and validation. */
export const HANDLERS: Readonly<Record<string, Handler>> = {
  listCompanies,
  listPermissions,
  listPermissionsByCompany,
  listCompaniesWithPermission,
  listReports,
  getReportData,
  listWarehouses,
  warehouseBalances,
  listInventoryItems,
  getInventoryItemFullData,
  inventoryBalances,
  listInventoryLandedCosts,
  listInventoryCogs,
  getListings,
  revenueAndCogsSummary,
  getImportInstructions,
  createDocuments,
  createDocumentsByPdf,
  checkImportProcessing,
};
