/**
 * Movements over time, derived from the data set so that every figure agrees with the others:
 *
 * - Opening stock: on DATA_START each item's `reserveUnits` arrive in the main warehouse
 *   (opening bill) and stay there.
 * - Receipts: on the first day of every quarter a bill per marketplace brings each item's
 *   sales for that quarter plus SAFETY_UNITS into the item's FBA warehouse.
 * - Sales: on the first day of every month a settlement invoice per marketplace sells each
 *   item's units for that month from its FBA warehouse.
 *
 * Hence balance = receipts − sales, never negative; an item's COGS lines sum to its COGS; the
 * revenue-and-COGS report sums those same invoice lines; landed cost is the receipts' cost.
 * Amounts are integers in cents until they leave this module.
 */
import { DATA_START, SAFETY_UNITS, seeded, seededUuid, type CompanyData, type SandboxItem, type SandboxWarehouse } from './dataset.js';

export interface Month {
  /** `YYYY-MM-01` */
  date: string;
  year: number;
  /** 1–12 */
  month: number;
}

export type DocumentKind = 'Invoice' | 'Bill' | 'Freight Bill' | 'Customs Bill';

/** The API's `Document` schema. */
export interface ApiDocument {
  type: string;
  link: string;
  status: string;
  completed: string | null;
  ref_number: string | null;
  date: string | null;
}

export const cents = (amount: number): number => Math.round(amount) / 100;

const pad = (n: number): string => String(n).padStart(2, '0');

export function today(now: Date): string {
  return now.toISOString().slice(0, 10);
}

function monthOf(year: number, month: number): Month {
  return { date: `${year}-${pad(month)}-01`, year, month };
}

/** Months whose first day lies in [start, end]. */
export function monthsBetween(start: string, end: string): Month[] {
  const out: Month[] = [];
  const from = start < DATA_START ? DATA_START : start;
  let year = Number(from.slice(0, 4));
  let month = Number(from.slice(5, 7));
  if (from.slice(8, 10) !== '01') {
    month += 1;
    if (month > 12) { month = 1; year += 1; }
  }
  for (let m = monthOf(year, month); m.date <= end; ) {
    out.push(m);
    month += 1;
    if (month > 12) { month = 1; year += 1; }
    m = monthOf(year, month);
  }
  return out;
}

const quarterOf = (m: Month): number => Math.floor((m.month - 1) / 3) + 1;
const quarterStart = (m: Month): Month => monthOf(m.year, (quarterOf(m) - 1) * 3 + 1);

/** Units of `item` sold on the invoice of month `m`. */
export function unitsSold(item: SandboxItem, m: Month): number {
  if (m.date < DATA_START) return 0;
  return Math.max(1, Math.round(item.baseMonthlyUnits * (0.7 + 0.6 * seeded(item.id, m.date))));
}

/** Units of `item` received on the quarterly bill dated `quarter` (a quarter's first month). */
export function unitsReceived(item: SandboxItem, quarter: Month): number {
  let units = SAFETY_UNITS;
  for (let k = 0; k < 3; k += 1) units += unitsSold(item, monthOf(quarter.year, quarter.month + k));
  return units;
}

export const landedUnitCost = (item: SandboxItem): number => item.costs.purchase + item.costs.freight + item.costs.duty;

function documentNumber(ref: string): number {
  return 10_000 + Math.floor(seeded('document', ref) * 890_000);
}

function documentOf(type: DocumentKind, ref: string, date: string): ApiDocument {
  const path = type === 'Invoice' ? 'invoices' : 'bills';
  return {
    type,
    link: `https://my.neonpanel.com/app/documents/${path}/${documentNumber(ref)}`,
    status: 'Completed',
    completed: `${date}T12:00:00.000Z`,
    ref_number: ref,
    date,
  };
}

export function invoiceDocument(data: CompanyData, country: string, m: Month): ApiDocument {
  return documentOf('Invoice', `INV-${data.company.short_name}-${country}-${m.year}${pad(m.month)}`, m.date);
}

/** The bill, freight bill and customs bill of one receipt. */
export interface ReceiptDocuments {
  bill: ApiDocument;
  freight: ApiDocument;
  customs: ApiDocument;
}

function receiptDocuments(prefix: string, date: string): ReceiptDocuments {
  return {
    bill: documentOf('Bill', `BILL-${prefix}`, date),
    freight: documentOf('Freight Bill', `FRT-${prefix}`, date),
    customs: documentOf('Customs Bill', `CUS-${prefix}`, date),
  };
}

export function quarterlyReceipt(data: CompanyData, country: string, quarter: Month): ReceiptDocuments {
  return receiptDocuments(`${data.company.short_name}-${country}-${quarter.year}Q${quarterOf(quarter)}`, quarter.date);
}

export function openingReceipt(data: CompanyData): ReceiptDocuments {
  return receiptDocuments(`${data.company.short_name}-OPENING`, DATA_START);
}

/** Units of `item` held in `warehouse` at the end of `date`. */
export function balanceOn(item: SandboxItem, warehouse: SandboxWarehouse, date: string): number {
  if (date < DATA_START) return 0;
  if (warehouse.role === 'main') return item.reserveUnits;
  if (warehouse.uuid !== item.warehouseUuid) return 0;
  let balance = 0;
  for (const m of monthsBetween(DATA_START, date)) {
    if (m.month % 3 === 1) balance += unitsReceived(item, m);
    balance -= unitsSold(item, m);
  }
  return balance;
}

export interface CostLine {
  type: 'Purchase Price' | 'Freight' | 'Customs Duty';
  document: ApiDocument;
  amountCents: number;
  quantity: number;
}

function costLines(item: SandboxItem, docs: ReceiptDocuments, quantity: number): CostLine[] {
  const lines: CostLine[] = [
    { type: 'Purchase Price', document: docs.bill, amountCents: quantity * item.costs.purchase, quantity },
    { type: 'Freight', document: docs.freight, amountCents: quantity * item.costs.freight, quantity },
  ];
  if (item.costs.duty > 0) lines.push({ type: 'Customs Duty', document: docs.customs, amountCents: quantity * item.costs.duty, quantity });
  return lines;
}

export interface Batch {
  receipt: ReceiptDocuments;
  quantity: number;
  amountCents: number;
  lines: CostLine[];
}

/** Receipts of `item` into `warehouse` dated within [start, end]. */
export function batchesIn(data: CompanyData, item: SandboxItem, warehouse: SandboxWarehouse, start: string, end: string): Batch[] {
  const batch = (receipt: ReceiptDocuments, quantity: number): Batch => {
    const lines = costLines(item, receipt, quantity);
    return { receipt, quantity, amountCents: lines.reduce((sum, l) => sum + l.amountCents, 0), lines };
  };
  if (warehouse.role === 'main') {
    return start <= DATA_START && DATA_START <= end ? [batch(openingReceipt(data), item.reserveUnits)] : [];
  }
  if (warehouse.uuid !== item.warehouseUuid) return [];
  return monthsBetween(start, end)
    .filter((m) => m.month % 3 === 1)
    .map((q) => batch(quarterlyReceipt(data, item.country_code, q), unitsReceived(item, q)));
}

export interface Sale {
  invoice: ApiDocument;
  month: Month;
  quantity: number;
  revenueCents: number;
  cogsCents: number;
  /** The cost lines of the units sold, each tied to the batch they came from. */
  lines: Array<CostLine & { batch: ApiDocument }>;
}

/** Sales of `item` on invoices dated within [start, end]. */
export function salesOf(data: CompanyData, item: SandboxItem, start: string, end: string): Sale[] {
  return monthsBetween(start, end).map((m) => {
    const quantity = unitsSold(item, m);
    // Each quarter's receipt covers that quarter's sales, so the units sold come from it.
    const receipt = quarterlyReceipt(data, item.country_code, quarterStart(m));
    const lines = costLines(item, receipt, quantity).map((l) => ({ ...l, batch: receipt.bill }));
    return {
      invoice: invoiceDocument(data, item.country_code, m),
      month: m,
      quantity,
      revenueCents: quantity * item.priceCents,
      cogsCents: lines.reduce((sum, l) => sum + l.amountCents, 0),
      lines,
    };
  });
}

/** Newly imported documents get ids that cannot collide with generated ones. */
export function importedDocumentLink(requestId: string, index: number): string {
  return `https://my.neonpanel.com/app/documents/bills/${900_000 + Math.floor(seeded(requestId, index) * 99_999)}`;
}

export function importRequestId(seed: string): string {
  return seededUuid(`import/${seed}`);
}
