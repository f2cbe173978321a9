/** Inventory tools: find items, read one item in full, its balances, and Amazon listings. */
import { z } from 'zod';
import type { ToolDefinition } from './types.js';
import { companyArg, companyRef, dataOf, isoDate, pageArgs, pageInfo, pageOf, READ_ANNOTATIONS, resolveCompany } from './common.js';
import { resolveItem } from './resolve.js';
import { structuredResult } from './result.js';
import { bounded } from './bounded.js';

const item = z.looseObject({
  id: z.number().int(),
  name: z.string().optional(),
  sku: z.string().optional(),
  asin: z.string().optional(),
  fnsku: z.string().optional(),
  country_code: z.string().optional(),
});
export const itemArg = z
  .union([z.number().int().positive(), z.string().trim().min(1).max(100)])
  .describe('The inventory item: its numeric id, or its SKU, ASIN or FNSKU.');

const searchInput = z.object({
  company: companyArg,
  search: z.string().max(200).optional().describe('Free text: matches SKU, ASIN, FNSKU, id or name.'),
  sku: z.string().max(100).optional(),
  asin: z.string().max(20).optional(),
  fnsku: z.string().max(20).optional(),
  country_code: z.string().length(2).toUpperCase().optional().describe('Marketplace country, two letters (US, DE, GB…).'),
  ...pageArgs,
});
const searchOutput = z.object({ company: companyRef, items: z.array(item), pagination: pageInfo });

export const inventorySearch: ToolDefinition<typeof searchInput, typeof searchOutput> = {
  name: 'neonpanel_inventory_search',
  title: 'List and search inventory items',
  description:
    "Use to list a company's inventory items or find one by SKU, ASIN, FNSKU, name or country. Returns items (id, name, sku, asin, fnsku, country, dimensions), paginated. Use the id with the other inventory tools.",
  scope: 'read:inventory',
  toolset: 'inventory',
  operations: ['listInventoryItems'],
  input: searchInput,
  output: searchOutput,
  annotations: READ_ANNOTATIONS,
  async handler(args, ctx) {
    const c = await resolveCompany(ctx, args.company);
    const { company: _c, page, per_page, ...filters } = args;
    const query = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined && v !== ''));
    const answer = dataOf(await ctx.neonpanel().GET('/api/v1/companies/{companyUuid}/inventory-items', {
      params: { path: { companyUuid: c.uuid }, query: { page, per_page, ...query } },
    }));
    return structuredResult({ company: { uuid: c.uuid, name: c.name }, items: answer.data ?? [], pagination: pageOf(answer, args) });
  },
};

const itemInput = z.object({ company: companyArg, item: itemArg });
const itemOutput = z.object({ company: companyRef, item: z.looseObject({ id: z.number().int() }) });

export const inventoryItemGet: ToolDefinition<typeof itemInput, typeof itemOutput> = {
  name: 'neonpanel_inventory_item_get',
  title: 'Inventory item details',
  description:
    'Use for everything about one item: product (SKU, dimensions), Amazon listing (ASIN, title, brand), manager, and restock settings (lead times, target price, unit landed cost).',
  scope: 'read:inventory',
  toolset: 'inventory',
  operations: ['getInventoryItemFullData'],
  input: itemInput,
  output: itemOutput,
  annotations: READ_ANNOTATIONS,
  async handler(args, ctx) {
    const c = await resolveCompany(ctx, args.company);
    const ref = await resolveItem(ctx, c.uuid, args.item);
    const answer = dataOf(await ctx.neonpanel().GET('/api/v1/companies/{companyUuid}/inventory-items/{inventoryId}', {
      params: { path: { companyUuid: c.uuid, inventoryId: ref.id } },
    }));
    return structuredResult({ company: { uuid: c.uuid, name: c.name }, item: { ...answer, id: answer.id ?? ref.id } });
  },
};

const balancesInput = z.object({ company: companyArg, item: itemArg, date: isoDate.optional().describe('As of this date (YYYY-MM-DD); today when omitted.') });
const balancesOutput = z.object({
  company: companyRef,
  item: z.looseObject({}),
  balances_date: z.string().optional(),
  balances: z.array(z.looseObject({ warehouse: z.looseObject({}).optional(), balance: z.number().optional() })),
  total_units: z.number(),
  note: z.string().optional(),
});

export const inventoryItemBalances: ToolDefinition<typeof balancesInput, typeof balancesOutput> = {
  name: 'neonpanel_inventory_item_balances',
  title: 'Inventory item stock by warehouse',
  description: 'Use to answer "how many units of X do we have, and where?". Returns the unit balance of one item in each warehouse on a date, and the total.',
  scope: 'read:inventory',
  toolset: 'inventory',
  operations: ['inventoryBalances'],
  input: balancesInput,
  output: balancesOutput,
  annotations: READ_ANNOTATIONS,
  ui: { view: 'inventory-balances' },
  async handler(args, ctx) {
    const c = await resolveCompany(ctx, args.company);
    const ref = await resolveItem(ctx, c.uuid, args.item);
    const answer = dataOf(await ctx.neonpanel().GET('/api/v1/companies/{companyUuid}/inventory-items/{inventoryId}/balances', {
      params: { path: { companyUuid: c.uuid, inventoryId: ref.id }, query: args.date ? { balances_date: args.date } : {} },
    }));
    const balances = answer.balances_data?.balances_list ?? [];
    const shown = bounded(balances, 'The total counts every warehouse.');
    const total = balances.reduce((sum, b) => sum + (typeof b.balance === 'number' ? b.balance : 0), 0);
    return structuredResult({
      company: { uuid: c.uuid, name: c.name },
      item: answer.inventory ?? { id: ref.id },
      ...(answer.balances_data?.balances_date ? { balances_date: answer.balances_data.balances_date } : {}),
      balances: shown.rows,
      total_units: total,
      ...(shown.note ? { note: shown.note } : {}),
    }, `${total} units of item ${ref.id} in ${balances.length} warehouse${balances.length === 1 ? '' : 's'}.`);
  },
};

const listingsInput = z.object({
  company: companyArg,
  asin: z.string().trim().min(1).max(20).optional().describe('Amazon ASIN.'),
  search: z.string().max(200).optional().describe('Free text over listing titles and brands.'),
});
const listingsOutput = z.object({
  company: companyRef,
  listings: z.array(z.looseObject({ id: z.number().int().optional(), asin: z.string().optional(), title: z.string().optional() })),
  pagination: pageInfo,
});

export const listingsByAsin: ToolDefinition<typeof listingsInput, typeof listingsOutput> = {
  name: 'neonpanel_listings_search',
  title: 'Amazon listings by ASIN',
  description: "Use to find a company's Amazon listings by ASIN (or title text). Returns listings with ASIN, parent ASIN, title, brand and image.",
  scope: 'read:inventory',
  toolset: 'inventory',
  operations: ['getListings'],
  input: listingsInput,
  output: listingsOutput,
  annotations: READ_ANNOTATIONS,
  async handler(args, ctx) {
    const c = await resolveCompany(ctx, args.company);
    const answer = dataOf(await ctx.neonpanel().GET('/api/v1/companies/{companyUuid}/listings', {
      params: { path: { companyUuid: c.uuid } },
      body: { ...(args.asin ? { asin: args.asin } : {}), ...(args.search ? { search: args.search } : {}) },
    }));
    return structuredResult({ company: { uuid: c.uuid, name: c.name }, listings: answer.data ?? [], pagination: pageOf(answer, { page: 1, per_page: answer.data?.length ?? 0 }) });
  },
};

export const inventoryTools = [inventorySearch, inventoryItemGet, inventoryItemBalances, listingsByAsin];

