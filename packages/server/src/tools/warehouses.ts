/** Warehouse tools: where stock is kept, and what is in each on a date. */
import { z } from 'zod';
import type { ToolDefinition } from './types.js';
import { companyArg, companyRef, dataOf, isoDate, pageArgs, pageInfo, pageOf, READ_ANNOTATIONS, resolveCompany } from './common.js';
import { resolveWarehouse } from './resolve.js';
import { structuredResult } from './result.js';
import { bounded } from './bounded.js';

const warehouse = z.looseObject({ uuid: z.string(), name: z.string(), type: z.string().nullable().optional(), country_code: z.string().nullable().optional() });

const listInput = z.object({ company: companyArg, search: z.string().max(200).optional().describe('Part of a warehouse name.'), ...pageArgs });
const listOutput = z.object({ company: companyRef, warehouses: z.array(warehouse), pagination: pageInfo });

export const warehousesList: ToolDefinition<typeof listInput, typeof listOutput> = {
  name: 'neonpanel_warehouses_list',
  title: 'List warehouses',
  description: "Use to see a company's warehouses (own, 3PL, Amazon FBA). Returns uuid, name, type and country, paginated; filter by name with search.",
  scope: 'read:warehouses',
  toolset: 'warehouses',
  operations: ['listWarehouses'],
  input: listInput,
  output: listOutput,
  annotations: READ_ANNOTATIONS,
  async handler(args, ctx) {
    const c = await resolveCompany(ctx, args.company);
    const answer = dataOf(await ctx.neonpanel().GET('/api/v1/companies/{companyUuid}/warehouses', {
      params: { path: { companyUuid: c.uuid }, query: { page: args.page, per_page: args.per_page, ...(args.search ? { search: args.search } : {}) } },
    }));
    return structuredResult({ company: { uuid: c.uuid, name: c.name }, warehouses: answer.data ?? [], pagination: pageOf(answer, args) });
  },
};

const balancesInput = z.object({
  company: companyArg,
  warehouse: z.string().trim().min(1).max(200).describe('The warehouse: its UUID or its name.'),
  date: isoDate.optional().describe('Balances as of this date (YYYY-MM-DD); today when omitted.'),
  ...pageArgs,
});
const balancesOutput = z.object({
  company: companyRef,
  warehouse: z.object({ uuid: z.string(), name: z.string() }),
  balances_date: z.string().optional(),
  balances: z.array(z.looseObject({ inventory: z.looseObject({}).optional(), balance: z.number().optional() })),
  pagination: pageInfo,
  note: z.string().optional(),
});

export const warehouseBalances: ToolDefinition<typeof balancesInput, typeof balancesOutput> = {
  name: 'neonpanel_warehouse_balances',
  title: 'Warehouse stock on a date',
  description: 'Use to answer "what is in warehouse Y (on date D)?". Returns each inventory item with its unit balance in that warehouse, paginated.',
  scope: 'read:warehouses',
  toolset: 'warehouses',
  operations: ['warehouseBalances'],
  input: balancesInput,
  output: balancesOutput,
  annotations: READ_ANNOTATIONS,
  ui: { view: 'inventory-balances' },
  async handler(args, ctx) {
    const c = await resolveCompany(ctx, args.company);
    const w = await resolveWarehouse(ctx, c.uuid, args.warehouse);
    const answer = dataOf(await ctx.neonpanel().GET('/api/v1/companies/{companyUuid}/warehouses/{warehouseUuid}/balances', {
      params: {
        path: { companyUuid: c.uuid, warehouseUuid: w.uuid },
        query: { page: args.page, per_page: args.per_page, ...(args.date ? { balances_date: args.date } : {}) },
      },
    }));
    const all = answer.data ?? [];
    const shown = bounded(all, 'Use a smaller per_page and the next page.');
    const units = all.reduce((s, b) => s + (typeof b.balance === 'number' ? b.balance : 0), 0);
    return structuredResult({
      company: { uuid: c.uuid, name: c.name },
      warehouse: w,
      ...(answer.balances_date ? { balances_date: answer.balances_date } : {}),
      balances: shown.rows,
      pagination: pageOf(answer, args),
      ...(shown.note ? { note: shown.note } : {}),
    }, `${all.length} items in ${w.name} on this page, ${units} units in all.`);
  },
};

export const warehouseTools = [warehousesList, warehouseBalances];
