/**
 * App-only tools: what the MCP Apps views call back through the host to page, sort and drill
 * down (`ui.visibility: ['app']`, so hosts keep them from the model). They are ordinary tools
 * to this server, which cannot tell who calls: the same bearer check, scope, input validation
 * and per-user limits apply, and they read through the same NeonPanel calls as the linked
 * tools. Their results are shaped for the views and bounded like the linked tools'.
 */
import { z } from 'zod';
import type { ToolContext, ToolDefinition } from './types.js';
import { companyArg, companyRef, dataOf, isoDate, pageInfo, READ_ANNOTATIONS, resolveCompany } from './common.js';
import { resolveWarehouse } from './resolve.js';
import { structuredResult } from './result.js';
import { MAX_RESULT_ROWS, bounded } from './bounded.js';
import { ageBucketArg, asOfArg, documentOpenItems, openItemSchema, paymentOpenItems, today, type OpenItem } from './aging.js';
import { documentsList } from './documents.js';
import { paymentRequestsList } from './payments.js';

const SORTS = ['total_desc', 'total_asc', 'sku'] as const;

const inventoryPageInput = z.object({
  company: companyArg,
  warehouse: z.string().trim().min(1).max(200).optional().describe('Only this warehouse (UUID or name); every warehouse when omitted.'),
  date: isoDate.optional().describe('Balances as of this date (YYYY-MM-DD); today when omitted.'),
  page: z.number().int().min(1).default(1).describe('Page number, from 1.'),
  per_page: z.number().int().min(10).max(MAX_RESULT_ROWS).default(20).describe(`Items per page (10 to ${MAX_RESULT_ROWS}).`),
  sort: z.enum(SORTS).default('total_desc').describe('Order of the rows on the page.'),
});
const inventoryPageOutput = z.object({
  company: companyRef,
  balances_date: z.string().optional(),
  warehouses: z.array(z.object({ uuid: z.string(), name: z.string() })),
  items: z.array(z.object({
    id: z.number().int(),
    sku: z.string().optional(),
    name: z.string().optional(),
    quantities: z.record(z.string(), z.number()),
    total: z.number(),
  })),
  pagination: pageInfo,
  note: z.string().optional(),
});

type Warehouse = { uuid: string; name: string };

async function warehousesOf(ctx: ToolContext, companyUuid: string, only: string | undefined): Promise<Warehouse[]> {
  if (only) return [await resolveWarehouse(ctx, companyUuid, only)];
  const answer = dataOf(await ctx.neonpanel().GET('/api/v1/companies/{companyUuid}/warehouses', {
    params: { path: { companyUuid }, query: { page: 1, per_page: 60 } },
  }));
  return (answer.data ?? []).filter((w): w is Warehouse => typeof w.uuid === 'string' && typeof w.name === 'string').map((w) => ({ uuid: w.uuid, name: w.name }));
}

export const viewInventoryPage: ToolDefinition<typeof inventoryPageInput, typeof inventoryPageOutput> = {
  name: 'neonpanel_view_inventory_page',
  title: 'Inventory balances page (view)',
  description:
    'For the inventory balances view: one page of items with their units on hand in every warehouse (or one), pivoted to one row per item, with a total, sorted on the server.',
  scope: 'read:warehouses',
  toolset: 'warehouses',
  operations: ['listWarehouses', 'warehouseBalances'],
  input: inventoryPageInput,
  output: inventoryPageOutput,
  annotations: READ_ANNOTATIONS,
  ui: { view: 'inventory-balances', visibility: ['app'] },
  async handler(args, ctx) {
    const c = await resolveCompany(ctx, args.company);
    const warehouses = await warehousesOf(ctx, c.uuid, args.warehouse);
    // One page of each warehouse's list: NeonPanel lists balances per warehouse, not per item.
    const pages = await Promise.all(warehouses.map((w) => ctx.neonpanel().GET('/api/v1/companies/{companyUuid}/warehouses/{warehouseUuid}/balances', {
      params: { path: { companyUuid: c.uuid, warehouseUuid: w.uuid }, query: { page: args.page, per_page: args.per_page, ...(args.date ? { balances_date: args.date } : {}) } },
    }).then(dataOf)));
    const items = new Map<number, z.infer<typeof inventoryPageOutput>['items'][number]>();
    pages.forEach((answer, i) => {
      const w = warehouses[i]!;
      for (const b of answer.data ?? []) {
        const inv = (b.inventory ?? {}) as { id?: number; sku?: string; name?: string };
        if (typeof inv.id !== 'number') continue;
        const row = items.get(inv.id) ?? { id: inv.id, ...(inv.sku ? { sku: inv.sku } : {}), ...(inv.name ? { name: inv.name } : {}), quantities: {}, total: 0 };
        const qty = typeof b.balance === 'number' ? b.balance : 0;
        row.quantities[w.uuid] = (row.quantities[w.uuid] ?? 0) + qty;
        row.total += qty;
        items.set(inv.id, row);
      }
    });
    const order: Record<(typeof SORTS)[number], (a: { total: number; sku?: string }, b: { total: number; sku?: string }) => number> = {
      total_desc: (a, b) => b.total - a.total,
      total_asc: (a, b) => a.total - b.total,
      sku: (a, b) => (a.sku ?? '').localeCompare(b.sku ?? ''),
    };
    const lastPage = Math.max(args.page, ...pages.map((p) => p.last_page ?? 1));
    const date = pages.find((p) => p.balances_date)?.balances_date;
    const shown = bounded([...items.values()].sort(order[args.sort]), 'Use a smaller per_page or one warehouse.');
    return structuredResult({
      company: { uuid: c.uuid, name: c.name },
      ...(date ? { balances_date: date } : {}),
      warehouses,
      items: shown.rows,
      pagination: { page: args.page, per_page: args.per_page, last_page: lastPage, has_more: args.page < lastPage },
      ...(shown.note ? { note: shown.note } : {}),
    }, `Page ${args.page} of ${lastPage}: ${items.size} items across ${warehouses.length} warehouses.`);
  },
};

const bucketOutput = z.object({
  company: companyRef,
  bucket: ageBucketArg,
  as_of: z.string(),
  items: z.array(openItemSchema),
  note: z.string().optional(),
});
const rangeArgs = { as_of: asOfArg, start_date: isoDate.optional(), end_date: isoDate.optional() };

type Listed = { company: { uuid: string; name: string }; next?: string };

/**
 * A drill-down tool: the open items of one age bucket, read through the linked tool's own
 * handler (so the same NeonPanel call, filters and shaping) and filtered here.
 */
function bucketTool<Input extends z.ZodObject>(spec: Pick<ToolDefinition, 'name' | 'title' | 'description' | 'scope' | 'toolset' | 'operations'> & {
  input: Input;
  open(args: z.output<Input> & { as_of?: string | undefined }, asOf: string, ctx: ToolContext): Promise<{ listed: Listed; open: OpenItem[] }>;
}): ToolDefinition<Input, typeof bucketOutput> {
  return {
    ...spec,
    output: bucketOutput,
    annotations: READ_ANNOTATIONS,
    ui: { view: 'open-documents', visibility: ['app'] },
    async handler(args, ctx) {
      const a = args as z.output<Input> & { bucket: string; as_of?: string };
      const asOf = a.as_of ?? today();
      const { listed, open } = await spec.open(a, asOf, ctx);
      const inBucket = open.filter((i) => i.bucket === a.bucket).sort((x, y) => y.age_days - x.age_days);
      const shown = bounded(inBucket, 'Narrow the date range.');
      const note = [shown.note, listed.next].filter(Boolean).join(' ');
      return structuredResult({ company: listed.company, bucket: a.bucket, as_of: asOf, items: shown.rows, ...(note ? { note } : {}) }, `${inBucket.length} open in ${a.bucket} as of ${asOf}.`);
    },
  };
}

export const viewDocumentsInBucket = bucketTool({
  name: 'neonpanel_view_documents_in_bucket',
  title: 'Open documents in an age bucket (view)',
  description: 'For the open documents view: the bills, invoices or orders whose open amount falls in one age bucket (days since the document date), oldest first.',
  scope: 'read:documents',
  toolset: 'documents',
  operations: [...documentsList.operations],
  input: z.object({
    company: companyArg,
    type: z.enum(['bill', 'invoice', 'inventory_order']).describe('The document type, as in neonpanel_documents_list.'),
    bucket: ageBucketArg,
    ...rangeArgs,
  }),
  async open(args, asOf, ctx) {
    const result = await documentsList.handler(documentsList.input.parse({ company: args.company, type: args.type, start_date: args.start_date, end_date: args.end_date }), ctx);
    const listed = result.structuredContent as Listed & { documents: Record<string, unknown>[] };
    return { listed, open: documentOpenItems(listed.documents, asOf) };
  },
});

export const viewPaymentsInBucket = bucketTool({
  name: 'neonpanel_view_payments_in_bucket',
  title: 'Open installments in an age bucket (view)',
  description: 'For the open documents view: the payment installments whose open amount falls in one age bucket (days past due), most overdue first.',
  scope: 'read:payments',
  toolset: 'payments',
  operations: [...paymentRequestsList.operations],
  input: z.object({ company: companyArg, bucket: ageBucketArg, ...rangeArgs }),
  async open(args, asOf, ctx) {
    const result = await paymentRequestsList.handler(paymentRequestsList.input.parse({ company: args.company, start_date: args.start_date, end_date: args.end_date, unpaid_only: true }), ctx);
    const listed = result.structuredContent as Listed & { payment_requests: Record<string, unknown>[] };
    return { listed, open: paymentOpenItems(listed.payment_requests, asOf) };
  },
});

export const viewTools = [viewInventoryPage, viewDocumentsInBucket, viewPaymentsInBucket] as unknown as ToolDefinition[];
