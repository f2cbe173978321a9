/** Payment tools: the installments documents' payment terms generate, and recording a payment. */
import { z } from 'zod';
import type { ToolDefinition } from './types.js';
import { companyArg, companyRef, dataOf, isoDate, pageInfo, READ_ANNOTATIONS, resolveCompany } from './common.js';
import { ToolInputError } from './errors.js';
import { structuredResult } from './result.js';
import { UPDATE_ANNOTATIONS } from './writes.js';
import { typeOfClass } from './documentKinds.js';
import { agingOf, agingSchema, asOfArg, paymentOpenItems, today } from './aging.js';
import { bounded } from './bounded.js';

type Json = Record<string, unknown>;

const paymentRequest = z.looseObject({
  id: z.number().int(),
  document: z.looseObject({ type: z.string().optional(), id: z.number().int().optional() }).optional(),
  amount_due: z.number().nullable(),
  paid_amount: z.number().nullable(),
  open_amount: z.number(),
  due_date: z.string().nullable(),
});

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Compact: the parent document by type, id and reference; NeonPanel's internal `classification` left out. */
function paymentView(p: Json): Json {
  const doc = (p['document'] ?? {}) as Json;
  const amountDue = typeof p['amount_due'] === 'number' ? p['amount_due'] : null;
  const paid = typeof p['paid_amount'] === 'number' ? p['paid_amount'] : null;
  const out: Json = {
    id: p['id'],
    ...(typeof doc['id'] === 'number'
      ? { document: Object.fromEntries(Object.entries({ type: typeOfClass(doc['type'] as string) ?? doc['type'], id: doc['id'], ref_number: doc['ref_number'], date: doc['date'], status: doc['status'] }).filter(([, v]) => v != null)) }
      : {}),
    description: p['description'] ?? null,
    amount_due: amountDue,
    paid_amount: paid,
    open_amount: round2((amountDue ?? 0) - (paid ?? 0)),
    currency: p['currency'] ?? null,
    due_date: p['due_date'] ?? null,
  };
  for (const key of ['payment_date', 'transaction_number', 'memo']) if (p[key] != null) out[key] = p[key];
  return out;
}

const listInput = z.object({
  company: companyArg,
  start_date: isoDate.optional().describe('Only installments due on or after this (YYYY-MM-DD).'),
  end_date: isoDate.optional().describe('Only installments due on or before this (YYYY-MM-DD).'),
  unpaid_only: z.boolean().default(false).describe('Keep only installments with an open amount (applied to the page NeonPanel returned).'),
  as_of: asOfArg,
});
const listOutput = z.object({
  company: companyRef,
  payment_requests: z.array(paymentRequest),
  total_open: z.number(),
  pagination: pageInfo,
  next: z.string().optional(),
  note: z.string().optional(),
  /** Open amounts by age (due date). */
  aging: agingSchema,
});

export const paymentRequestsList: ToolDefinition<typeof listInput, typeof listOutput> = {
  name: 'neonpanel_payment_requests_list',
  title: 'List payment requests (installments due)',
  description:
    'Use to see what is due or overdue to vendors: the payment installments of inventory orders and bills, by due date. Returns each installment with its document, amount due, paid, open amount and due date, the total open, and the open amounts by age bucket (days past due as of as_of, today unless given).',
  scope: 'read:payments',
  toolset: 'payments',
  operations: ['paymentRequests.list'],
  input: listInput,
  output: listOutput,
  annotations: READ_ANNOTATIONS,
  ui: { view: 'open-documents' },
  async handler(args, ctx) {
    if (args.start_date && args.end_date && args.end_date < args.start_date) throw new ToolInputError('end_date must not be before start_date.');
    const c = await resolveCompany(ctx, args.company);
    const answer = dataOf(await ctx.neonpanel().GET('/api/v1/companies/{companyUuid}/payment-requests', {
      params: { path: { companyUuid: c.uuid }, query: { ...(args.start_date ? { start_date: args.start_date } : {}), ...(args.end_date ? { end_date: args.end_date } : {}) } },
    }));
    const all = (answer.data ?? []).map((p) => paymentView(p as Json));
    const rows = args.unpaid_only ? all.filter((p) => (p['open_amount'] as number) > 0) : all;
    const lastPage = answer.last_page ?? 1;
    const hasMore = lastPage > (answer.current_page ?? 1);
    const asOf = args.as_of ?? today();
    const open = paymentOpenItems(rows, asOf);
    const totalOpen = round2(rows.reduce((s, p) => s + (p['open_amount'] as number), 0));
    const shown = bounded(rows, 'Narrow with start_date and end_date, or set unpaid_only.');
    return structuredResult({
      company: { uuid: c.uuid, name: c.name },
      payment_requests: shown.rows,
      total_open: totalOpen,
      pagination: { page: answer.current_page ?? 1, per_page: answer.per_page ?? all.length, last_page: lastPage, has_more: hasMore },
      ...(hasMore ? { next: 'More installments match than one page holds (the API takes no page number): set start_date to the day after the last due date shown to see the rest.' } : {}),
      ...(shown.note ? { note: shown.note } : {}),
      aging: agingOf(open, asOf, 'due_date'),
    }, `${rows.length} installments of ${c.name}, ${open.length} open as of ${asOf}, ${totalOpen} open in total.`);
  },
};

const updateInput = z.object({
  company: companyArg,
  payment_request_id: z.number().int().positive().describe('The installment id (neonpanel_payment_requests_list).'),
  paid_amount: z.number().min(0).nullable().optional().describe('Total paid on this installment so far (replaces the previous figure, it is not added to it).'),
  payment_date: isoDate.nullable().optional().describe('When it was paid (YYYY-MM-DD).'),
  transaction_number: z.string().max(255).nullable().optional().describe('Bank or payment reference.'),
  memo: z.string().max(255).nullable().optional(),
});
const updateOutput = z.object({ company: companyRef, payment_request: paymentRequest });

export const paymentRequestUpdate: ToolDefinition<typeof updateInput, typeof updateOutput> = {
  name: 'neonpanel_payment_request_update',
  title: 'Record a payment on an installment',
  description:
    'Use to record that an installment was (partly) paid. Replaces only the fields you pass: paid_amount is the new total paid, not an increment; null clears a field. Returns the installment as saved, with its open amount.',
  scope: 'write:payments',
  toolset: 'payments',
  operations: ['paymentRequests.update'],
  input: updateInput,
  output: updateOutput,
  annotations: UPDATE_ANNOTATIONS,
  async handler(args, ctx) {
    const { company, payment_request_id: id, ...fields } = args;
    const body = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
    if (Object.keys(body).length === 0) throw new ToolInputError('Nothing to update: pass paid_amount, payment_date, transaction_number or memo.');
    const c = await resolveCompany(ctx, company);
    const answer = dataOf(await ctx.neonpanel().PUT('/api/v1/companies/{companyUuid}/payment-requests/{paymentId}', {
      params: { path: { companyUuid: c.uuid, paymentId: id } },
      body,
    }));
    return structuredResult({ company: { uuid: c.uuid, name: c.name }, payment_request: paymentView(answer as Json) }, `Updated payment request ${id}.`);
  },
};

export const paymentTools = [paymentRequestsList, paymentRequestUpdate];
