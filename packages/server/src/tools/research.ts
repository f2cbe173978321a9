/**
 * `search` and `fetch` in the shape ChatGPT deep research and connectors require: search
 * returns `{id, title, url}` results; fetch returns one record's full text. They span
 * companies, inventory items, warehouses and reports, each only where the token has that
 * domain's scope. The names are fixed by those clients, hence no domain prefix.
 */
import { z } from 'zod';
import type { ToolContext, ToolDefinition } from './types.js';
import { companiesOf, dataOf, READ_ANNOTATIONS } from './common.js';
import { InsufficientScopeError, ToolInputError } from './errors.js';

const MAX_RESULTS = 20;
/** Per-company searches fan out; bound them so one query costs at most this many upstream calls per domain. */
const MAX_COMPANIES_SEARCHED = 5;

interface Hit {
  id: string;
  title: string;
  url: string;
}

const has = (ctx: ToolContext, scope: string) => ctx.auth.scopes.includes(scope);

function recordUrl(ctx: ToolContext, path: string): string {
  return `${ctx.services.neonpanelBaseUrl}${path}`;
}

async function searchCompanies(ctx: ToolContext, q: string): Promise<Hit[]> {
  const all = await companiesOf(ctx);
  return all
    .filter((c) => c.name.toLowerCase().includes(q) || c.short_name?.toLowerCase().includes(q))
    .map((c) => ({ id: `company:${c.uuid}`, title: `Company: ${c.name}`, url: recordUrl(ctx, `/api/v1/companies/${c.uuid}`) }));
}

async function searchPerCompany(ctx: ToolContext, q: string, domain: 'item' | 'warehouse'): Promise<Hit[]> {
  const companies = (await companiesOf(ctx)).slice(0, MAX_COMPANIES_SEARCHED);
  const api = ctx.neonpanel();
  const lists = await Promise.all(companies.map(async (c) => {
    if (domain === 'item') {
      const answer = dataOf(await api.GET('/api/v1/companies/{companyUuid}/inventory-items', {
        params: { path: { companyUuid: c.uuid }, query: { search: q, page: 1, per_page: 10 } },
      }));
      return (answer.data ?? []).filter((i) => typeof i.id === 'number').map((i) => ({
        id: `item:${c.uuid}:${i.id}`,
        title: `Item ${i.sku ?? i.id}: ${i.name ?? ''} (${c.name}${i.country_code ? `, ${i.country_code}` : ''})`,
        url: recordUrl(ctx, `/api/v1/companies/${c.uuid}/inventory-items/${i.id}`),
      }));
    }
    const answer = dataOf(await api.GET('/api/v1/companies/{companyUuid}/warehouses', {
      params: { path: { companyUuid: c.uuid }, query: { search: q, page: 1, per_page: 10 } },
    }));
    return (answer.data ?? []).filter((w) => typeof w.uuid === 'string').map((w) => ({
      id: `warehouse:${c.uuid}:${w.uuid}`,
      title: `Warehouse: ${w.name ?? w.uuid} (${c.name})`,
      url: recordUrl(ctx, `/api/v1/companies/${c.uuid}/warehouses`),
    }));
  }));
  return lists.flat();
}

async function searchReports(ctx: ToolContext, q: string): Promise<Hit[]> {
  const answer = dataOf(await ctx.neonpanel().GET('/api/v1/reports'));
  return (answer.data ?? [])
    .filter((r) => typeof r.id === 'number' && `${r.title ?? ''} ${r.description ?? ''} ${r.group ?? ''}`.toLowerCase().includes(q))
    .map((r) => ({ id: `report:${r.id}`, title: `Report: ${r.title ?? r.id}`, url: r.link ?? recordUrl(ctx, `/api/v1/reports/${r.id}`) }));
}

const searchInput = z.object({ query: z.string().trim().min(1).max(200).describe('What to look for: a company, SKU, ASIN, product name, warehouse or report.') });
const searchOutput = z.object({ results: z.array(z.object({ id: z.string(), title: z.string(), url: z.string() })) });

export const search: ToolDefinition<typeof searchInput, typeof searchOutput> = {
  name: 'search',
  title: 'Search NeonPanel',
  description:
    'Use to find NeonPanel records by keyword across companies, inventory items (SKU, ASIN, name), warehouses and reports. Returns results with id, title and url; read one with fetch.',
  scope: undefined,
  toolset: 'research',
  operations: ['listInventoryItems', 'listWarehouses', 'listReports'],
  input: searchInput,
  output: searchOutput,
  annotations: READ_ANNOTATIONS,
  async handler(args, ctx) {
    const q = args.query.toLowerCase();
    const searches: Array<Promise<Hit[]>> = [];
    if (has(ctx, 'read:companies')) searches.push(searchCompanies(ctx, q));
    if (has(ctx, 'read:inventory')) searches.push(searchPerCompany(ctx, args.query, 'item'));
    if (has(ctx, 'read:warehouses')) searches.push(searchPerCompany(ctx, args.query, 'warehouse'));
    if (has(ctx, 'read:reports')) searches.push(searchReports(ctx, q));
    const results = (await Promise.all(searches)).flat().slice(0, MAX_RESULTS);
    return { content: [{ type: 'text', text: JSON.stringify({ results }) }], structuredContent: { results } };
  },
};

const fetchInput = z.object({ id: z.string().trim().min(1).max(200).describe('An id from search results.') });
const fetchOutput = z.object({ id: z.string(), title: z.string(), text: z.string(), url: z.string(), metadata: z.record(z.string(), z.unknown()) });

const ID = /^(company):([\w-]+)$|^(item):([\w-]+):(\d+)$|^(warehouse):([\w-]+):([\w-]+)$|^(report):(\d+)$/;

export const fetchRecord: ToolDefinition<typeof fetchInput, typeof fetchOutput> = {
  name: 'fetch',
  title: 'Fetch a NeonPanel record',
  description: 'Use to read the full record behind a search result id (company, inventory item, warehouse or report). Returns id, title, text, url and metadata.',
  scope: undefined,
  toolset: 'research',
  operations: ['listPermissionsByCompany', 'getInventoryItemFullData', 'warehouseBalances', 'getReportData'],
  input: fetchInput,
  output: fetchOutput,
  annotations: READ_ANNOTATIONS,
  async handler(args, ctx) {
    const m = ID.exec(args.id);
    if (!m) throw new ToolInputError(`"${args.id}" is not an id from search.`);
    const api = ctx.neonpanel();
    let record: { title: string; url: string; body: unknown; metadata: Record<string, unknown> };
    if (m[1]) {
      if (!has(ctx, 'read:companies')) throw new InsufficientScopeError(['read:companies']);
      const company = (await companiesOf(ctx)).find((c) => c.uuid === m[2]);
      if (!company) throw new ToolInputError('No company with that id is available to this account.');
      const permissions = dataOf(await api.GET('/api/v1/companies/{companyUuid}/permissions', { params: { path: { companyUuid: company.uuid } } }));
      record = { title: `Company: ${company.name}`, url: recordUrl(ctx, `/api/v1/companies/${company.uuid}`), body: { ...company, ...permissions }, metadata: { type: 'company', uuid: company.uuid } };
    } else if (m[3]) {
      if (!has(ctx, 'read:inventory')) throw new InsufficientScopeError(['read:inventory']);
      const item = dataOf(await api.GET('/api/v1/companies/{companyUuid}/inventory-items/{inventoryId}', {
        params: { path: { companyUuid: m[4]!, inventoryId: Number(m[5]) } },
      }));
      record = {
        title: `Item ${item.product?.sku ?? m[5]}: ${item.product?.name ?? item.listing?.title ?? ''}`,
        url: recordUrl(ctx, `/api/v1/companies/${m[4]}/inventory-items/${m[5]}`),
        body: item,
        metadata: { type: 'inventory_item', company_uuid: m[4], id: Number(m[5]) },
      };
    } else if (m[6]) {
      if (!has(ctx, 'read:warehouses')) throw new InsufficientScopeError(['read:warehouses']);
      const balances = dataOf(await api.GET('/api/v1/companies/{companyUuid}/warehouses/{warehouseUuid}/balances', {
        params: { path: { companyUuid: m[7]!, warehouseUuid: m[8]! }, query: { page: 1, per_page: 60 } },
      }));
      record = {
        title: `Warehouse ${m[8]} stock`,
        url: recordUrl(ctx, `/api/v1/companies/${m[7]}/warehouses`),
        body: balances,
        metadata: { type: 'warehouse', company_uuid: m[7], uuid: m[8] },
      };
    } else {
      if (!has(ctx, 'read:reports')) throw new InsufficientScopeError(['read:reports']);
      const report = dataOf(await api.GET('/api/v1/reports/{reportId}', { params: { path: { reportId: Number(m[10]) } } }));
      record = {
        title: `Report: ${report.title ?? m[10]}`,
        url: report.link ?? recordUrl(ctx, `/api/v1/reports/${m[10]}`),
        body: report,
        metadata: { type: 'report', id: Number(m[10]) },
      };
    }
    const result = { id: args.id, title: record.title, text: JSON.stringify(record.body, null, 1), url: record.url, metadata: record.metadata };
    return { content: [{ type: 'text', text: JSON.stringify(result) }], structuredContent: result };
  },
};

export const researchTools = [search, fetchRecord];
