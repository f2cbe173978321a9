/**
 * Document tools: one list and one detail tool over the six accounting document types, and a
 * create and an update tool per type (see documentKinds.ts for why the split falls there).
 */
import { z } from 'zod';
import type { ToolDefinition } from './types.js';
import { companyArg, companyRef, isoDate, pageInfo, READ_ANNOTATIONS, resolveCompany } from './common.js';
import { ToolInputError } from './errors.js';
import { structuredResult } from './result.js';
import { resolveVendorId } from './lookup.js';
import { agingOf, agingSchema, asOfArg, documentOpenItems, today } from './aging.js';
import { CREATE_ANNOTATIONS, idempotencyKeyArg, once, UPDATE_ANNOTATIONS } from './writes.js';
import {
  DOCUMENT_TYPES, KINDS, documentDetailSchema, documentSummarySchema, documentTypeArg, documentView, type DocumentType, type KindSpec,
} from './documentKinds.js';

const listInput = z.object({
  company: companyArg,
  type: documentTypeArg,
  search: z.string().trim().min(1).max(200).optional().describe('Free text over reference number and name (e.g. "PO-2024").'),
  start_date: isoDate.optional().describe('Only documents dated on or after this (YYYY-MM-DD).'),
  end_date: isoDate.optional().describe('Only documents dated on or before this (YYYY-MM-DD).'),
  vendor: z.union([z.number().int().positive(), z.string().trim().min(1).max(200)]).optional()
    .describe('Only this vendor\'s documents (id or name). inventory_order and bill only.'),
  warehouse_id: z.number().int().positive().optional()
    .describe('Only documents for this warehouse id. inventory_order, shipment and assembly_order only.'),
  as_of: asOfArg,
});
const listOutput = z.object({
  company: companyRef,
  type: z.enum(DOCUMENT_TYPES),
  documents: z.array(documentSummarySchema),
  pagination: pageInfo,
  next: z.string().optional(),
  /** Open amounts by age (document date), for types that carry amounts. */
  aging: agingSchema.optional(),
});

const vendorTypes = DOCUMENT_TYPES.filter((t) => KINDS[t].filters.vendor).join(', ');
const warehouseTypes = DOCUMENT_TYPES.filter((t) => KINDS[t].filters.warehouse).join(', ');

export const documentsList: ToolDefinition<typeof listInput, typeof listOutput> = {
  name: 'neonpanel_documents_list',
  title: 'List accounting documents',
  description:
    'Use to find inventory orders, bills, invoices, shipments, assembly orders or adjustments of a company ("which bills from Acme are still open?"). ' +
    'Filter by type, text, date range, vendor or warehouse. Returns compact summaries, newest first: id, reference, date, amount, vendor or warehouse, line count, and for orders and bills the payment status and open amount. ' +
    'Use neonpanel_document_get with the id for the lines. Bills, invoices and orders also come aged: open amounts by days since the document date (as_of: today unless given).',
  scope: 'read:documents',
  toolset: 'documents',
  operations: DOCUMENT_TYPES.map((t) => KINDS[t].operations.list),
  input: listInput,
  output: listOutput,
  annotations: READ_ANNOTATIONS,
  ui: { view: 'open-documents' },
  async handler(args, ctx) {
    const kind = KINDS[args.type];
    if (args.vendor !== undefined && !kind.filters.vendor) throw new ToolInputError(`The vendor filter applies to ${vendorTypes} only.`);
    if (args.warehouse_id !== undefined && !kind.filters.warehouse) throw new ToolInputError(`The warehouse_id filter applies to ${warehouseTypes} only.`);
    if (args.start_date && args.end_date && args.end_date < args.start_date) throw new ToolInputError('end_date must not be before start_date.');
    const c = await resolveCompany(ctx, args.company);
    const query = {
      ...(args.search ? { search: args.search } : {}),
      ...(args.start_date ? { start_date: args.start_date } : {}),
      ...(args.end_date ? { end_date: args.end_date } : {}),
      ...(args.vendor !== undefined ? { vendors: [await resolveVendorId(ctx, c.uuid, args.vendor)] } : {}),
      ...(args.warehouse_id !== undefined ? { warehouses: [args.warehouse_id] } : {}),
    };
    const answer = await kind.list(ctx.neonpanel(), c.uuid, query);
    const documents = (answer.data ?? []).map((d) => documentView(args.type, d, false));
    const lastPage = answer.last_page ?? 1;
    const hasMore = lastPage > (answer.current_page ?? 1);
    const asOf = args.as_of ?? today();
    const withAmounts = documents.some((d) => typeof d['amount'] === 'number' || typeof d['open_amount'] === 'number');
    const open = withAmounts ? documentOpenItems(documents, asOf) : [];
    const summary = `${documents.length} ${kind.label}${documents.length === 1 ? '' : 's'} of ${c.name}` +
      (withAmounts ? `, ${open.length} with an open amount as of ${asOf}.` : '.');
    return structuredResult({
      company: { uuid: c.uuid, name: c.name },
      type: args.type,
      documents,
      pagination: { page: answer.current_page ?? 1, per_page: answer.per_page ?? documents.length, last_page: lastPage, has_more: hasMore },
      // NeonPanel's document lists take no page parameter (contract 1.2.0-beta), so the way to
      // the rest is a narrower query, not page 2.
      ...(hasMore ? { next: `More ${kind.label}s match than one page holds. To see the rest, narrow the query: set end_date to the day before the oldest date shown, or add search or a narrower date range.` } : {}),
      ...(withAmounts ? { aging: agingOf(open, asOf, 'document_date') } : {}),
    }, summary);
  },
};

const getInput = z.object({ company: companyArg, type: documentTypeArg, id: z.number().int().positive().describe('The document id (from neonpanel_documents_list).') });
const getOutput = z.object({ company: companyRef, document: documentDetailSchema });

export const documentGet: ToolDefinition<typeof getInput, typeof getOutput> = {
  name: 'neonpanel_document_get',
  title: 'Accounting document details',
  description:
    'Use for one document in full: its header, every line (items, services, quantities, prices), linked documents, and for inventory orders and bills the payment installments and what is still open.',
  scope: 'read:documents',
  toolset: 'documents',
  operations: DOCUMENT_TYPES.map((t) => KINDS[t].operations.read),
  input: getInput,
  output: getOutput,
  annotations: READ_ANNOTATIONS,
  async handler(args, ctx) {
    const c = await resolveCompany(ctx, args.company);
    const answer = await KINDS[args.type].read(ctx.neonpanel(), c.uuid, args.id);
    return structuredResult({ company: { uuid: c.uuid, name: c.name }, document: documentView(args.type, answer, true) });
  },
};

const article = (label: string) => (/^[aeiou]/.test(label) ? 'an' : 'a');

const writeOutput = z.object({ company: companyRef, document: documentDetailSchema });

function createTool(kind: KindSpec): ToolDefinition {
  const input = z.object({
    company: companyArg,
    ...kind.header,
    lines: z.array(kind.line).min(1).max(200).describe(`The lines: ${kind.linesMeaning}.`),
    idempotency_key: idempotencyKeyArg,
  });
  return {
    name: `neonpanel_${kind.type}_create`,
    title: `Create ${article(kind.label)} ${kind.label}`,
    description:
      `Use to create ${article(kind.label)} ${kind.label} in NeonPanel, with ${kind.linesMeaning}. ${kind.naming} Returns the created document with its lines. ` +
      "Refused when dated before the company's Entry Locked Date. Retrying with the same idempotency_key returns the first result instead of creating twice.",
    scope: 'write:documents',
    toolset: 'documents',
    operations: [kind.operations.create],
    input,
    output: writeOutput,
    annotations: CREATE_ANNOTATIONS,
    async handler(args, ctx) {
      const { company, idempotency_key: key, ...fields } = args as Record<string, unknown> & { company: string; idempotency_key: string };
      const c = await resolveCompany(ctx, company);
      return once(ctx, key, { op: `${kind.type}.create`, company: c.uuid, fields }, async () => {
        const payload = await kind.toPayload(fields, ctx, c.uuid);
        const created = await kind.create(ctx.neonpanel(), c.uuid, payload);
        return structuredResult({ company: { uuid: c.uuid, name: c.name }, document: documentView(kind.type, created, true) }, `Created ${kind.label} ${String(created['id'])}.`);
      }, `Check with neonpanel_documents_list (search for the reference number)`);
    },
  } as ToolDefinition;
}

function updateTool(kind: KindSpec): ToolDefinition {
  const { ref_number: _ref, ...header } = kind.header;
  const input = z.object({
    company: companyArg,
    id: z.number().int().positive().describe(`The ${kind.label} id.`),
    ...header,
    lines: z.array(kind.line).max(200).optional().describe(`When given, REPLACES ALL lines (${kind.linesMeaning}): send the complete set, not only the changes.`),
  });
  return {
    name: `neonpanel_${kind.type}_update`,
    title: `Update ${article(kind.label)} ${kind.label}`,
    description:
      `Use to change an existing ${kind.label}. Replaces only the header fields you pass (null clears a field); \`lines\`, when passed, replaces every existing line. ${kind.naming} ` +
      "The reference number cannot be changed. Refused when the document is, or would be, dated before the company's Entry Locked Date. Returns the document as saved.",
    scope: 'write:documents',
    toolset: 'documents',
    operations: [kind.operations.update],
    input,
    output: writeOutput,
    annotations: UPDATE_ANNOTATIONS,
    async handler(args, ctx) {
      const { company, id, ...fields } = args as Record<string, unknown> & { company: string; id: number };
      if (Object.values(fields).every((v) => v === undefined)) throw new ToolInputError('Nothing to update: pass at least one field or lines.');
      const c = await resolveCompany(ctx, company);
      const payload = await kind.toPayload(fields, ctx, c.uuid);
      const saved = await kind.update(ctx.neonpanel(), c.uuid, id, payload);
      return structuredResult({ company: { uuid: c.uuid, name: c.name }, document: documentView(kind.type, saved, true) }, `Updated ${kind.label} ${id}.`);
    },
  } as ToolDefinition;
}

const WRITE_ORDER: DocumentType[] = ['inventory_order', 'bill', 'invoice', 'shipment', 'assembly_order', 'adjustment'];

export const documentTools: ToolDefinition[] = [
  documentsList as unknown as ToolDefinition,
  documentGet as unknown as ToolDefinition,
  ...WRITE_ORDER.flatMap((t) => [createTool(KINDS[t]), updateTool(KINDS[t])]),
];
