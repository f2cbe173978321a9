/**
 * Import tools: how to shape a document, create documents, import a PDF, and follow an
 * import until NeonPanel has processed it.
 *
 * NeonPanel's API has no idempotency key, so write tools keep one here: a retried call with
 * the same key returns the first call's result instead of importing again.
 */
import { z } from 'zod';
import type { ToolDefinition } from './types.js';
import { companyArg, dataOf, READ_ANNOTATIONS, resolveCompany } from './common.js';
import { structuredResult } from './result.js';
import { CREATE_ANNOTATIONS, idempotencyKeyArg as anyIdempotencyKey, once as onceFor } from './writes.js';

const DOCUMENT_TYPES = ['bill'] as const;
const typeArg = z.enum(DOCUMENT_TYPES).default('bill').describe('Document type; NeonPanel imports bills.');
const idempotencyKeyArg = anyIdempotencyKey.describe('A unique key for this import (e.g. a UUID). Retrying with the same key never imports twice.');
const once = (...args: [Parameters<typeof onceFor>[0], string, unknown, Parameters<typeof onceFor>[3]]) =>
  onceFor(...args, 'Check with neonpanel_import_status or NeonPanel');

const importStatus = z.enum(['queued', 'processing', 'done', 'error']);
const documentOut = z.looseObject({ type: z.string().optional(), link: z.string().optional(), status: z.string().optional(), ref_number: z.string().nullable().optional(), date: z.string().nullable().optional() });

const instructionsInput = z.object({ type: typeArg });
const instructionsOutput = z.object({ type: z.string(), instructions: z.unknown() });

export const importInstructions: ToolDefinition<typeof instructionsInput, typeof instructionsOutput> = {
  name: 'neonpanel_import_instructions',
  title: 'How to shape an import',
  description: 'Use before neonpanel_import_create_documents: returns the fields a document of this type needs and general guidance.',
  scope: 'write:import',
  toolset: 'imports',
  operations: ['getImportInstructions'],
  input: instructionsInput,
  output: instructionsOutput,
  annotations: READ_ANNOTATIONS,
  async handler(args, ctx) {
    const answer = dataOf(await ctx.neonpanel().GET('/api/v1/import/{type}/instructions', { params: { path: { type: args.type } } }));
    return structuredResult({ type: args.type, instructions: answer });
  },
};

const createInput = z.object({
  company: companyArg,
  type: typeArg,
  data: z.record(z.string(), z.unknown()).describe('The document payload, shaped as neonpanel_import_instructions describes.'),
  idempotency_key: idempotencyKeyArg,
});
const createOutput = z.object({ request_id: z.string().optional(), status: importStatus.optional(), documents: z.array(documentOut) });

export const importCreateDocuments: ToolDefinition<typeof createInput, typeof createOutput> = {
  name: 'neonpanel_import_create_documents',
  title: 'Create documents (import)',
  description:
    'Use to import a document (e.g. "import this bill") from structured data: creates it in NeonPanel. Get the shape from neonpanel_import_instructions first. Returns the request id, status and created documents. Documents dated before the company\'s Entry Locked Date are refused.',
  scope: 'write:import',
  toolset: 'imports',
  operations: ['createDocuments'],
  input: createInput,
  output: createOutput,
  annotations: CREATE_ANNOTATIONS,
  async handler(args, ctx) {
    const c = await resolveCompany(ctx, args.company);
    return once(ctx, args.idempotency_key, { op: 'create', company: c.uuid, type: args.type, data: args.data }, async () => {
      const answer = dataOf(await ctx.neonpanel().POST('/api/v1/companies/{companyUuid}/create/{type}', {
        params: { path: { companyUuid: c.uuid, type: args.type } },
        body: { data: args.data },
      }));
      return structuredResult({ ...answer, documents: answer.documents ?? [] });
    });
  },
};

const pdfInput = z.object({
  company: companyArg,
  type: typeArg,
  file_name: z.string().trim().min(1).max(255).describe('The PDF file name, e.g. invoice-1042.pdf.'),
  file_url: z.url({ protocol: /^https$/ }).describe('An HTTPS link NeonPanel can download the PDF from.'),
  idempotency_key: idempotencyKeyArg,
});
const pdfOutput = z.object({ request_id: z.string().optional(), status: importStatus.optional(), retry_after_seconds: z.number().optional() });

export const importPdf: ToolDefinition<typeof pdfInput, typeof pdfOutput> = {
  name: 'neonpanel_import_pdf',
  title: 'Import a document from a PDF',
  description:
    'Use to import a bill from a PDF link: NeonPanel reads it and creates the document in the background. Returns a request id; follow it with neonpanel_import_status.',
  scope: 'write:import',
  toolset: 'imports',
  operations: ['createDocumentsByPdf'],
  input: pdfInput,
  output: pdfOutput,
  annotations: CREATE_ANNOTATIONS,
  async handler(args, ctx) {
    const c = await resolveCompany(ctx, args.company);
    return once(ctx, args.idempotency_key, { op: 'pdf', company: c.uuid, type: args.type, name: args.file_name, url: args.file_url }, async () => {
      const result = await ctx.neonpanel().POST('/api/v1/companies/{companyUuid}/import/{type}/pdf', {
        params: { path: { companyUuid: c.uuid, type: args.type } },
        body: { file: { name: args.file_name, link: args.file_url } },
      });
      const answer = dataOf(result);
      const retryAfter = Number(result.response.headers.get('retry-after'));
      return structuredResult({ ...answer, ...(retryAfter > 0 ? { retry_after_seconds: retryAfter } : {}) });
    });
  },
};

const statusInput = z.object({
  company: companyArg,
  type: typeArg,
  request_id: z.uuid().describe('The request id an import returned.'),
  wait_seconds: z.number().int().min(0).max(30).default(0).describe('Wait up to this long for processing to finish (0 = just check).'),
});
const statusOutput = z.object({
  request_id: z.string().optional(),
  status: importStatus.optional(),
  processing: z.boolean(),
  retry_after_seconds: z.number().optional(),
  documents: z.array(documentOut),
});

export const importStatusTool: ToolDefinition<typeof statusInput, typeof statusOutput> = {
  name: 'neonpanel_import_status',
  title: 'Import status',
  description:
    'Use after an import to see whether NeonPanel has finished. Returns the status (queued, processing, done, error) and the created documents; while processing, when to check again.',
  scope: 'write:import',
  toolset: 'imports',
  operations: ['checkImportProcessing'],
  input: statusInput,
  output: statusOutput,
  annotations: READ_ANNOTATIONS,
  async handler(args, ctx) {
    const c = await resolveCompany(ctx, args.company);
    const deadline = Date.now() + args.wait_seconds * 1000;
    for (let attempt = 0; ; attempt++) {
      const result = await ctx.neonpanel().GET('/api/v1/companies/{companyUuid}/import/{type}/status/{requestId}', {
        params: { path: { companyUuid: c.uuid, type: args.type, requestId: args.request_id } },
      });
      const answer = dataOf(result);
      const processing = result.response.status === 202;
      const retryAfter = Math.min(Math.max(Number(result.response.headers.get('retry-after')) || 2, 1), 30);
      if (!processing || Date.now() + retryAfter * 1000 > deadline) {
        return structuredResult({
          ...answer,
          processing,
          ...(processing ? { retry_after_seconds: retryAfter } : {}),
          documents: 'documents' in answer && Array.isArray(answer.documents) ? answer.documents : [],
        });
      }
      await ctx.progress(attempt + 1, undefined, `Still ${answer.status ?? 'processing'}; checking again in ${retryAfter} s`);
      await new Promise((resolve, reject) => {
        const timer = setTimeout(resolve, retryAfter * 1000);
        ctx.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(ctx.signal.reason);
        }, { once: true });
      });
    }
  },
};

export const importTools = [importInstructions, importCreateDocuments, importPdf, importStatusTool];
