/**
 * Open amounts by age bucket (current, 1–30, 31–60, 61–90, over 90 days), for the "open
 * documents" view and the model alike. Amounts in different currencies are kept apart.
 */
import { z } from 'zod';
import { isoDate } from './common.js';

export const AGE_BUCKETS = ['current', '1_30', '31_60', '61_90', 'over_90'] as const;
export type AgeBucket = (typeof AGE_BUCKETS)[number];
const LABELS: Record<AgeBucket, string> = { current: 'Current', '1_30': '1–30 days', '31_60': '31–60 days', '61_90': '61–90 days', over_90: 'Over 90 days' };

export const ageBucketArg = z.enum(AGE_BUCKETS).describe('The age bucket: current (not yet due), 1_30, 31_60, 61_90 or over_90 days.');
export const asOfArg = isoDate.optional().describe('Age open amounts as of this date (YYYY-MM-DD); today when omitted.');

/** One open document or installment, as the view lists it. */
export const openItemSchema = z.object({
  id: z.number().int(),
  ref: z.string(),
  date: z.string(),
  party: z.string().optional(),
  open_amount: z.number(),
  currency: z.string().optional(),
  age_days: z.number().int(),
  bucket: z.enum(AGE_BUCKETS),
});
export type OpenItem = z.infer<typeof openItemSchema>;

export const agingSchema = z.object({
  as_of: z.string(),
  basis: z.enum(['document_date', 'due_date']),
  buckets: z.array(z.object({
    bucket: z.enum(AGE_BUCKETS),
    label: z.string(),
    count: z.number().int(),
    amounts: z.array(z.object({ currency: z.string(), amount: z.number() })),
  })),
});
export type Aging = z.infer<typeof agingSchema>;

const DAY_MS = 86_400_000;
const round2 = (n: number) => Math.round(n * 100) / 100;

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Whole days from `date` to `asOf`; 0 or less is not yet due. */
export function ageInDays(date: string, asOf: string): number {
  return Math.round((Date.parse(`${asOf}T00:00:00Z`) - Date.parse(`${date.slice(0, 10)}T00:00:00Z`)) / DAY_MS);
}

export function bucketOf(days: number): AgeBucket {
  if (days <= 0) return 'current';
  if (days <= 30) return '1_30';
  if (days <= 60) return '31_60';
  if (days <= 90) return '61_90';
  return 'over_90';
}

export function agingOf(items: readonly OpenItem[], asOf: string, basis: Aging['basis']): Aging {
  return {
    as_of: asOf,
    basis,
    buckets: AGE_BUCKETS.map((bucket) => {
      const inBucket = items.filter((i) => i.bucket === bucket);
      const byCurrency = new Map<string, number>();
      for (const i of inBucket) byCurrency.set(i.currency ?? 'unknown', (byCurrency.get(i.currency ?? 'unknown') ?? 0) + i.open_amount);
      return { bucket, label: LABELS[bucket], count: inBucket.length, amounts: [...byCurrency].map(([currency, amount]) => ({ currency, amount: round2(amount) })) };
    }),
  };
}

type Json = Record<string, unknown>;
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const nameOf = (v: unknown): string | undefined => (v && typeof v === 'object' && typeof (v as Json)['name'] === 'string' ? (v as Json)['name'] as string : undefined);

function item(id: unknown, ref: unknown, date: unknown, party: string | undefined, open: number, currency: unknown, asOf: string): OpenItem | undefined {
  if (typeof id !== 'number' || typeof date !== 'string' || open <= 0) return undefined;
  const age = ageInDays(date, asOf);
  return {
    id,
    ref: typeof ref === 'string' && ref !== '' ? ref : `#${id}`,
    date: date.slice(0, 10),
    ...(party ? { party } : {}),
    open_amount: round2(open),
    ...(typeof currency === 'string' ? { currency } : {}),
    age_days: age,
    bucket: bucketOf(age),
  };
}

/**
 * Documents (bills, invoices, orders) aged by document date. The open amount is NeonPanel's
 * where it gives one; a document without payment status (invoices) counts in full.
 */
export function documentOpenItems(documents: readonly Json[], asOf: string): OpenItem[] {
  return documents.flatMap((d) => {
    const open = num(d['open_amount']) ?? num(d['amount']) ?? 0;
    const party = nameOf(d['vendor']) ?? nameOf(d['customer']) ?? nameOf(d['warehouse']);
    return item(d['id'], d['ref_number'], d['date'], party, open, d['currency'], asOf) ?? [];
  });
}

/** Payment installments aged by due date. */
export function paymentOpenItems(rows: readonly Json[], asOf: string): OpenItem[] {
  return rows.flatMap((p) => {
    const doc = (p['document'] ?? {}) as Json;
    const party = typeof p['description'] === 'string' ? p['description'] : undefined;
    return item(p['id'], doc['ref_number'], p['due_date'], party, num(p['open_amount']) ?? 0, p['currency'], asOf) ?? [];
  });
}
