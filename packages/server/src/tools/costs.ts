/** Cost tools: an item's cost of goods sold, and its landed cost per warehouse. */
import { z } from 'zod';
import type { ToolDefinition } from './types.js';
import { companyArg, companyRef, dataOf, isoDate, pageArgs, pageInfo, pageOf, READ_ANNOTATIONS, resolveCompany } from './common.js';
import { resolveItem, resolveWarehouse } from './resolve.js';
import { itemArg } from './inventory.js';
import { rangeOrYearToDate, dateRangeOut } from './periods.js';
import { structuredResult } from './result.js';
import { ToolInputError } from './errors.js';

const periodArgs = {
  start_date: isoDate.optional().describe('First day (YYYY-MM-DD); 1 January of this year when omitted.'),
  end_date: isoDate.optional().describe('Last day (YYYY-MM-DD); today when omitted.'),
};

function checkOrder(range: { start_date: string; end_date: string }): void {
  if (range.start_date > range.end_date) throw new ToolInputError('start_date must not be after end_date.');
}

const cogsInput = z.object({ company: companyArg, item: itemArg, ...periodArgs, ...pageArgs });
const cogsOutput = z.object({
  company: companyRef,
  item: z.looseObject({}),
  period: dateRangeOut,
  currency: z.string().optional(),
  amount: z.number().optional(),
  lost_amount: z.number().optional(),
  total_amount: z.number().optional(),
  quantity: z.number().optional(),
  unit_cogs: z.number().nullable(),
  details: z.array(z.looseObject({})),
  pagination: pageInfo,
});

export const inventoryCogs: ToolDefinition<typeof cogsInput, typeof cogsOutput> = {
  name: 'neonpanel_inventory_cogs',
  title: 'Item cost of goods sold',
  description:
    "Use for an item's COGS over a period: total amount, lost amount, units sold, cost per unit, and the documents behind it. Defaults to the year so far.",
  scope: 'read:cogs',
  toolset: 'costs',
  operations: ['listInventoryCogs'],
  input: cogsInput,
  output: cogsOutput,
  annotations: READ_ANNOTATIONS,
  async handler(args, ctx) {
    const range = rangeOrYearToDate(args.start_date, args.end_date);
    checkOrder(range);
    const c = await resolveCompany(ctx, args.company);
    const ref = await resolveItem(ctx, c.uuid, args.item);
    const answer = dataOf(await ctx.neonpanel().GET('/api/v1/companies/{companyUuid}/inventory-items/{inventoryId}/cogs', {
      params: { path: { companyUuid: c.uuid, inventoryId: ref.id }, query: { ...range, page: args.page, per_page: args.per_page } },
    }));
    const total = answer.total_amount ?? answer.amount;
    return structuredResult({
      company: { uuid: c.uuid, name: c.name },
      item: answer.inventory ?? { id: ref.id },
      period: range,
      ...(answer.currency ? { currency: answer.currency } : {}),
      ...(answer.amount !== undefined ? { amount: answer.amount } : {}),
      ...(answer.lost_amount !== undefined ? { lost_amount: answer.lost_amount } : {}),
      ...(answer.total_amount !== undefined ? { total_amount: answer.total_amount } : {}),
      ...(answer.quantity !== undefined ? { quantity: answer.quantity } : {}),
      unit_cogs: total !== undefined && answer.quantity ? Math.round((total / answer.quantity) * 10_000) / 10_000 : null,
      details: answer.details ?? [],
      pagination: pageOf(answer, args),
    });
  },
};

const landedInput = z.object({
  company: companyArg,
  item: itemArg,
  warehouse: z.string().trim().min(1).max(200).describe('The warehouse: its UUID or its name.'),
  ...periodArgs,
  ...pageArgs,
});
const landedOutput = z.object({
  company: companyRef,
  item: z.looseObject({}),
  warehouse: z.looseObject({ uuid: z.string() }),
  period: dateRangeOut,
  currency: z.string().optional(),
  amount: z.number().optional(),
  quantity: z.number().optional(),
  unit_landed_cost: z.number().nullable(),
  batches: z.array(z.looseObject({})),
  pagination: pageInfo,
});

export const inventoryLandedCost: ToolDefinition<typeof landedInput, typeof landedOutput> = {
  name: 'neonpanel_inventory_landed_cost',
  title: 'Item landed cost in a warehouse',
  description:
    'Use for "what did SKU X cost us landed in warehouse Y?": landed cost (product, freight, duties, fees) of one item in one warehouse over a period, per batch, with the cost per unit. Defaults to the year so far.',
  scope: 'read:landed-cost',
  toolset: 'costs',
  operations: ['listInventoryLandedCosts'],
  input: landedInput,
  output: landedOutput,
  annotations: READ_ANNOTATIONS,
  async handler(args, ctx) {
    const range = rangeOrYearToDate(args.start_date, args.end_date);
    checkOrder(range);
    const c = await resolveCompany(ctx, args.company);
    const [ref, w] = await Promise.all([resolveItem(ctx, c.uuid, args.item), resolveWarehouse(ctx, c.uuid, args.warehouse)]);
    const answer = dataOf(await ctx.neonpanel().GET('/api/v1/companies/{companyUuid}/inventory-items/{inventoryId}/landed-cost', {
      params: {
        path: { companyUuid: c.uuid, inventoryId: ref.id },
        query: { warehouse_uuid: w.uuid, ...range, page: args.page, per_page: args.per_page },
      },
    }));
    return structuredResult({
      company: { uuid: c.uuid, name: c.name },
      item: answer.inventory ?? { id: ref.id },
      warehouse: answer.warehouse?.uuid ? { ...answer.warehouse, uuid: answer.warehouse.uuid } : w,
      period: range,
      ...(answer.currency ? { currency: answer.currency } : {}),
      ...(answer.amount !== undefined ? { amount: answer.amount } : {}),
      ...(answer.quantity !== undefined ? { quantity: answer.quantity } : {}),
      unit_landed_cost: answer.amount !== undefined && answer.quantity ? Math.round((answer.amount / answer.quantity) * 10_000) / 10_000 : null,
      batches: answer.data ?? [],
      pagination: pageOf(answer, args),
    });
  },
};

export const costTools = [inventoryCogs, inventoryLandedCost];
