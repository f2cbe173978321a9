/**
 * Document import: the instructions for each type, validation of a `create/{type}` payload,
 * the Entry Locked Date, and the processing state that the status endpoint reports.
 *
 * The contract defines no idempotency key for imports, so none is honoured here: posting the
 * same payload twice creates two imports, as the real API would. Deduplication is the
 * caller's job (the MCP tools keep their own idempotency keys).
 */
import { z } from 'zod';
import type { CompanyData } from './dataset.js';
import { importRequestId, importedDocumentLink, type ApiDocument } from './ledger.js';

export type ImportStatus = 'queued' | 'processing' | 'done' | 'error';

export interface ImportRecord {
  requestId: string;
  companyUuid: string;
  type: string;
  /** The `data` object as received. */
  data: unknown;
  documents: ApiDocument[];
  /** Status polls still answered with 202. */
  pollsLeft: number;
  createdAt: string;
}

/** What `GET /api/v1/import/{type}/instructions` returns, per supported type. */
export const IMPORT_INSTRUCTIONS: Record<string, { attributes: Record<string, string>; general: string }> = {
  bill: {
    attributes: {
      vendor_name: 'Required. Name of the vendor as it appears on the bill.',
      ref_number: 'Required. The vendor\'s bill or invoice number.',
      date: 'Required. Bill date, YYYY-MM-DD. Must not be before the company\'s Entry Locked Date.',
      due_date: 'Optional. Payment due date, YYYY-MM-DD, not before `date`.',
      currency: 'Optional. ISO 4217 code; defaults to the company currency.',
      warehouse_uuid: 'Optional. UUID of the receiving warehouse; defaults to the main warehouse.',
      lines: 'Required. At least one line: { sku (an inventory item SKU of the company), quantity (integer ≥ 1), unit_price (number ≥ 0), description (optional) }.',
    },
    general: 'Send the bill as {"data": {...}} to POST /api/v1/companies/{companyUuid}/create/bill. Each line must name an existing inventory item by SKU. Imported bills are created as drafts.',
  },
};

export function instructionsAsText(type: string): string | undefined {
  const instructions = IMPORT_INSTRUCTIONS[type];
  if (!instructions) return undefined;
  const lines = Object.entries(instructions.attributes).map(([name, text]) => `- ${name}: ${text}`);
  return `${instructions.general}\n\nFields:\n${lines.join('\n')}\n`;
}

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date in YYYY-MM-DD format')
  .refine((v) => !Number.isNaN(Date.parse(v)), 'must be a valid date');

const BillData = z.object({
  vendor_name: z.string().trim().min(1, 'is required').max(255),
  ref_number: z.string().trim().min(1, 'is required').max(100),
  date: isoDate,
  due_date: isoDate.optional(),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be a 3-letter currency code').optional(),
  warehouse_uuid: z.string().optional(),
  lines: z.array(z.object({
    sku: z.string().min(1, 'is required'),
    quantity: z.number().int('must be an integer').min(1, 'must be at least 1'),
    unit_price: z.number().min(0, 'must be at least 0'),
    description: z.string().max(500).optional(),
  }), { error: 'is required' }).min(1, 'must have at least 1 line'),
});

export type ImportOutcome =
  | { ok: true; record: ImportRecord }
  | { ok: false; status: 400; message: string }
  | { ok: false; status: 422; message: string; errors: Record<string, string[]> };

function laravelField(path: ReadonlyArray<PropertyKey>): string {
  return ['data', ...path.map(String)].join('.');
}

export interface ImportStoreOptions {
  /** Status polls answered 202 before an import is done. 0 makes `create` answer done at once. */
  polls: number;
  now: () => Date;
}

export class ImportStore {
  private readonly records = new Map<string, ImportRecord>();
  private counter = 0;

  constructor(private readonly options: ImportStoreOptions) {}

  all(): ImportRecord[] {
    return [...this.records.values()];
  }

  get(requestId: string): ImportRecord | undefined {
    return this.records.get(requestId);
  }

  create(company: CompanyData, type: string, data: unknown): ImportOutcome {
    if (type !== 'bill') return { ok: false, status: 400, message: 'Unsupported document type.' };
    const parsed = BillData.safeParse(data, {
      error: (issue) => issue.input === undefined
        ? 'is required'
        : issue.code === 'invalid_type' ? `must be of type ${issue.expected}` : undefined,
    });
    if (!parsed.success) {
      const errors: Record<string, string[]> = {};
      for (const issue of parsed.error.issues) {
        const field = laravelField(issue.path);
        (errors[field] ??= []).push(`The ${field} field ${issue.message}.`);
      }
      return { ok: false, status: 422, message: 'The given data was invalid.', errors };
    }
    const bill = parsed.data;
    const errors: Record<string, string[]> = {};
    const skus = new Set(company.items.map((i) => i.sku));
    bill.lines.forEach((line, n) => {
      if (!skus.has(line.sku)) errors[`data.lines.${n}.sku`] = [`The selected data.lines.${n}.sku is invalid.`];
    });
    if (bill.warehouse_uuid !== undefined && !company.warehouses.some((w) => w.uuid === bill.warehouse_uuid)) {
      errors['data.warehouse_uuid'] = ['The selected data.warehouse_uuid is invalid.'];
    }
    if (bill.due_date !== undefined && bill.due_date < bill.date) {
      errors['data.due_date'] = ['The data.due_date field must be a date after or equal to data.date.'];
    }
    if (Object.keys(errors).length > 0) return { ok: false, status: 422, message: 'The given data was invalid.', errors };
    if (bill.date < company.company.entryLockedDate) {
      return { ok: false, status: 400, message: `The document date is before the Entry Locked Date (${company.company.entryLockedDate}).` };
    }

    return { ok: true, record: this.store(company, type, data, bill.ref_number, bill.date) };
  }

  /**
   * A PDF import: the sandbox does not read the file; it "extracts" one draft bill named
   * after it, dated today, so the status flow has documents to report.
   */
  createFromPdf(company: CompanyData, type: string, fileName: string): ImportOutcome {
    if (type !== 'bill') return { ok: false, status: 400, message: 'Unsupported document type.' };
    if (!/\.pdf$/i.test(fileName)) return { ok: false, status: 400, message: 'The file must be a PDF.' };
    const today = this.options.now().toISOString().slice(0, 10);
    return { ok: true, record: this.store(company, type, { file: fileName }, fileName.replace(/\.pdf$/i, ''), today) };
  }

  private store(company: CompanyData, type: string, data: unknown, refNumber: string, date: string): ImportRecord {
    this.counter += 1;
    const requestId = importRequestId(`${company.company.uuid}/${this.counter}`);
    const record: ImportRecord = {
      requestId,
      companyUuid: company.company.uuid,
      type,
      data,
      documents: [{
        type: 'Bill',
        link: importedDocumentLink(requestId, 0),
        status: 'Draft',
        completed: null,
        ref_number: refNumber,
        date,
      }],
      pollsLeft: this.options.polls,
      createdAt: this.options.now().toISOString(),
    };
    this.records.set(requestId, record);
    return record;
  }

  /** One status poll: `processing` while polls remain, then `done`. */
  poll(record: ImportRecord): ImportStatus {
    if (record.pollsLeft > 0) {
      record.pollsLeft -= 1;
      return 'processing';
    }
    return 'done';
  }
}
