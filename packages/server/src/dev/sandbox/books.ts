/**
 * The sandbox's accounting books: vendors, services, payment terms, sales channels, the six
 * document types (inventory orders, bills, invoices, shipments, assembly orders, adjustments),
 * the payment requests their payment terms generate, and forecasting settings. One store per
 * sandbox, so what a create writes, a list and a read return, and an update shows.
 *
 * Records are kept in the API's own field names (the payload side), and turned into the
 * contract's resources by `bookHandlers.ts`. Every company gets the same seed, dated relative
 * to its Entry Locked Date, so one record of each kind lies before that date (locked).
 */
import type { CompanyData, SandboxWarehouse } from './dataset.js';

export const DOCUMENT_KINDS = ['InventoryOrder', 'Bill', 'Invoice', 'Shipment', 'AssemblyOrder', 'Adjustment'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export interface Vendor { id: number; name: string; code: string; bk_id: string | null; bk_type: string | null; payment_term_id: number | null }
export interface Service { id: number; name: string; group: string | null }
export interface PaymentTermStep { date_anchor: string; days_offset: number; percentage: number }
export interface PaymentTerm { id: number; system: boolean; document: string | null; name: string; schema: PaymentTermStep[] }
export interface Assembly { id: number; sku: string; name: string; description: string }
export interface Customer { id: number; name: string; code: string }

export interface PaymentRequest {
  id: number;
  kind: DocumentKind;
  documentId: number;
  amount_due: number;
  paid_amount: number;
  due_date: string | null;
  payment_date: string | null;
  currency: string | null;
  description: string | null;
  classification: string | null;
  transaction_number: string | null;
  memo: string | null;
}

/** A document as stored: its payload fields, plus what the server sets. */
export interface StoredDocument {
  id: number;
  kind: DocumentKind;
  fields: Record<string, unknown>;
  /** Line items in payload form (details or items, per kind). */
  lines: Array<Record<string, unknown>>;
  source: string;
  projectUuid: string | null;
}

export const SALES_CHANNELS = [
  { id: 1, name: 'Amazon' },
  { id: 2, name: 'Shopify' },
  { id: 3, name: 'Wholesale' },
] as const;

export const ADJUSTMENT_REASONS = ['Damaged', 'Misplaced', 'Administrative Errors'];

export const DEFAULT_FORECASTING = {
  status: 'trial',
  default_seasonality: '1;1;1;1;1;1;1;1;1;1;1;1',
  default_scenario_id: null,
  default_lead_time_days: 45,
  default_safety_stock_days: 14,
  default_fba_lead_time: 10,
  default_fba_safety_stock: 7,
  default_planned_po_frequency: 30,
  default_fba_replenishment_frequency: 7,
  default_safety_stock_multiplicator_class_a: 1.2,
  default_safety_stock_multiplicator_class_b: 1,
  default_safety_stock_multiplicator_class_c: 0.6,
  default_safety_stock_multiplicator_class_d: 0.5,
  default_revenue_class_a: 10,
  default_revenue_class_b: 3,
  default_revenue_class_c: 0.5,
  default_pareto_class_a: 80,
  default_pareto_class_b: 15,
  default_pareto_class_c: 5,
} as Record<string, unknown>;

export interface CompanyBooks {
  vendors: Vendor[];
  services: Service[];
  paymentTerms: PaymentTerm[];
  assemblies: Assembly[];
  customers: Customer[];
  /** Warehouse UUID ↔ the integer id documents use. */
  warehouseIds: Map<string, number>;
  documents: Map<number, StoredDocument>;
  payments: Map<number, PaymentRequest>;
  forecasting: Record<string, unknown>;
  nextId: () => number;
}

const addDays = (date: string, days: number): string => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};

export function warehouseById(data: CompanyData, books: CompanyBooks, id: unknown): SandboxWarehouse | undefined {
  for (const w of data.warehouses) if (books.warehouseIds.get(w.uuid) === id) return w;
  return undefined;
}

/** The date the Entry Locked Date rule looks at, per kind (the document's FIFO date). */
export const LOCK_DATE_FIELD: Record<DocumentKind, string> = {
  InventoryOrder: 'date_manufacturing_completed',
  Bill: 'date',
  Invoice: 'transaction_date',
  Shipment: 'date_shipment_sent',
  AssemblyOrder: 'date_order_assembled',
  Adjustment: 'date',
};

/** Header total, from the lines as each kind computes it. */
export function documentAmount(doc: StoredDocument): number {
  const sum = (f: (l: Record<string, unknown>) => number) => Math.round(doc.lines.reduce((s, l) => s + f(l), 0) * 100) / 100;
  switch (doc.kind) {
    case 'InventoryOrder': return sum((l) => Number(l['quantity']) * Number(l['price']));
    case 'Bill': return sum((l) => Number(l['quantity']) * Number(l['rate']));
    case 'Adjustment': return sum((l) => Number(l['quantity']) * Number(l['rate']));
    case 'Invoice': return sum((l) => Number(l['amount']));
    default: return 0;
  }
}

/** Replaces a document's payment requests from its payment term (Inventory orders and bills). */
export function schedulePayments(books: CompanyBooks, doc: StoredDocument): void {
  for (const [id, p] of books.payments) if (p.kind === doc.kind && p.documentId === doc.id) books.payments.delete(id);
  const vendor = books.vendors.find((v) => v.id === doc.fields['vendor_id']);
  const termId = (doc.fields['payment_term_id'] as number | null | undefined) ?? vendor?.payment_term_id ?? null;
  const term = books.paymentTerms.find((t) => t.id === termId);
  if (!term) return;
  const total = documentAmount(doc);
  for (const step of term.schema) {
    const anchor = (doc.fields[step.date_anchor] ?? doc.fields[LOCK_DATE_FIELD[doc.kind]]) as string | null | undefined;
    const id = books.nextId();
    books.payments.set(id, {
      id,
      kind: doc.kind,
      documentId: doc.id,
      amount_due: Math.round(total * step.percentage) / 100,
      paid_amount: 0,
      due_date: anchor ? addDays(anchor, step.days_offset) : null,
      payment_date: null,
      currency: (doc.fields['currency'] as string | null | undefined) ?? null,
      description: `${step.percentage}% ${step.days_offset === 0 ? 'due on the document date' : `Net ${step.days_offset}`}`,
      classification: step.days_offset === 0 ? 'deposit' : 'balance',
      transaction_number: null,
      memo: null,
    });
  }
}

function seedBooks(data: CompanyData, index: number): CompanyBooks {
  let next = (index + 1) * 10_000;
  const nextId = () => ++next;
  const c = data.company;
  const base = (index + 1) * 100;
  const vendors: Vendor[] = [
    { id: base + 1, name: `${c.brand} Manufacturing Co.`, code: 'MFG', bk_id: null, bk_type: null, payment_term_id: 2 },
    { id: base + 2, name: 'Oceanic Freight Ltd.', code: 'OCF', bk_id: 'xero-ocf', bk_type: 'xero', payment_term_id: 3 },
    { id: base + 3, name: 'Prime Prep Services', code: 'PPS', bk_id: null, bk_type: null, payment_term_id: null },
  ];
  const services: Service[] = [
    { id: base + 51, name: 'Freight Forwarding', group: 'Logistics' },
    { id: base + 52, name: 'Customs Duty', group: 'Logistics' },
    { id: base + 53, name: 'Prep and Labelling', group: 'Fulfilment' },
    { id: base + 54, name: 'Product Sales', group: 'Sales' },
    { id: base + 55, name: 'Inventory Write-off', group: null },
  ];
  const paymentTerms: PaymentTerm[] = [
    { id: 1, system: true, document: null, name: 'Due on receipt', schema: [{ date_anchor: 'date', days_offset: 0, percentage: 100 }] },
    { id: 2, system: true, document: 'InventoryOrder', name: '30/70 Net 30', schema: [
      { date_anchor: 'date_order_placed', days_offset: 0, percentage: 30 },
      { date_anchor: 'date_manufacturing_completed', days_offset: 30, percentage: 70 },
    ] },
    { id: 3, system: true, document: 'Bill', name: 'Net 30', schema: [{ date_anchor: 'date', days_offset: 30, percentage: 100 }] },
    { id: base + 90, system: false, document: null, name: `${c.short_name} Net 15`, schema: [{ date_anchor: 'date', days_offset: 15, percentage: 100 }] },
  ];
  const assemblies: Assembly[] = [
    { id: base + 71, sku: `${c.short_name}-KIT-01`, name: 'Starter Kit', description: 'Two best sellers in one box' },
    { id: base + 72, sku: `${c.short_name}-KIT-02`, name: 'Gift Bundle', description: 'Three items with gift wrap' },
  ];
  const customers: Customer[] = [{ id: base + 81, name: 'Northwind Retail', code: 'NWR' }];
  const warehouseIds = new Map(data.warehouses.map((w, i) => [w.uuid, base + 21 + i]));
  const books: CompanyBooks = {
    vendors, services, paymentTerms, assemblies, customers, warehouseIds,
    documents: new Map(), payments: new Map(), forecasting: { ...DEFAULT_FORECASTING }, nextId,
  };

  const locked = c.entryLockedDate;
  const after = (days: number) => addDays(locked, days);
  const market = c.marketplaces[0]!;
  const items = data.items.filter((i) => i.country_code === market);
  const main = data.warehouses.find((w) => w.role === 'main')!;
  const fba = data.warehouses.find((w) => w.role === 'fba' && w.country_code === market)!;
  const wid = (w: SandboxWarehouse) => warehouseIds.get(w.uuid)!;
  const add = (kind: DocumentKind, fields: Record<string, unknown>, lines: Array<Record<string, unknown>>) => {
    const doc: StoredDocument = { id: nextId(), kind, fields, lines, source: kind === 'Invoice' ? 'manual' : 'Manual', projectUuid: null };
    books.documents.set(doc.id, doc);
    if (kind === 'InventoryOrder' || kind === 'Bill') schedulePayments(books, doc);
    return doc;
  };
  const po = (n: number, placed: string, received: string, lines: Array<[number, number, number]>) => add('InventoryOrder', {
    name: `PO ${c.short_name} ${n}`, ref_number: `PO-${c.short_name}-${n}`, date_order_placed: placed, date_manufacturing_completed: received,
    market, currency: c.currency, vendor_id: vendors[0]!.id, warehouse_id: wid(main), payment_term_id: 2,
  }, lines.map(([i, quantity, price]) => ({ inventory_id: items[i]!.id, quantity, price })));
  const locked1 = po(1, addDays(locked, -60), addDays(locked, -20), [[0, 200, 4.5], [1, 150, 6.25]]);
  po(2, after(10), after(40), [[2, 300, 3.75]]);
  po(3, after(70), after(100), [[0, 250, 4.6], [3, 120, 8]]);
  void locked1;
  const bill = (n: number, date: string, vendor: Vendor, lines: Array<[number, number, number]>, documents: Array<{ type: string; id: number }> = []) => add('Bill', {
    name: `Bill ${c.short_name} ${n}`, ref_number: `BILL-${c.short_name}-${n}`, date, market, currency: c.currency,
    vendor_id: vendor.id, payment_term_id: vendor.payment_term_id, documents,
  }, lines.map(([s, quantity, rate]) => ({ service_id: services[s]!.id, quantity, rate })));
  bill(1, addDays(locked, -10), vendors[1]!, [[0, 1, 1200]]);
  const paid = bill(2, after(20), vendors[1]!, [[0, 1, 950], [1, 1, 310.5]]);
  bill(3, after(45), vendors[2]!, [[2, 400, 0.35]]);
  bill(4, after(80), vendors[1]!, [[0, 2, 880]]);
  for (const p of books.payments.values()) {
    if (p.kind === 'Bill' && p.documentId === paid.id) Object.assign(p, { paid_amount: p.amount_due, payment_date: p.due_date, transaction_number: `TXN-${p.id}` });
  }
  add('Invoice', {
    name: `Wholesale ${c.short_name} 1`, ref_number: `WS-${c.short_name}-1`, transaction_date: after(30), market, currency: c.currency,
    warehouse_id: wid(main), customer_id: customers[0]!.id, sales_channel_id: 3,
  }, [{ inventory_id: items[0]!.id, service_id: services[3]!.id, quantity: 40, amount: 720 }, { inventory_id: null, service_id: services[0]!.id, quantity: 1, amount: 45 }]);
  add('Invoice', {
    name: `Wholesale ${c.short_name} 0`, ref_number: `WS-${c.short_name}-0`, transaction_date: addDays(locked, -5), market, currency: c.currency,
    warehouse_id: wid(main), customer_id: customers[0]!.id, sales_channel_id: 3,
  }, [{ inventory_id: items[1]!.id, service_id: services[3]!.id, quantity: 10, amount: 210 }]);
  add('Shipment', {
    name: `FBA inbound ${c.short_name} 1`, ref_number: `SHP-${c.short_name}-1`, date_shipment_sent: after(41), date_shipment_arrived: after(52),
    origin_market: market, destination_market: market, origin_warehouse_id: wid(main), destination_warehouse_id: wid(fba),
    tracking_number: `1Z${c.id}0001`, shipment_method: 'SPD',
  }, [{ origin_inventory_id: items[2]!.id, quantity_shipped: 120, quantity_received: 118 }]);
  add('AssemblyOrder', {
    name: `Kits ${c.short_name} 1`, ref_number: `AO-${c.short_name}-1`, date_order_assembled: after(50), market, warehouse_id: wid(main),
  }, [{ assembly_id: assemblies[0]!.id, quantity: 25 }]);
  add('Adjustment', {
    name: `Damaged ${c.short_name} 1`, ref_number: `ADJ-${c.short_name}-1`, date: after(60), market, currency: c.currency,
    reason: 'Damaged', warehouse_id: wid(fba),
  }, [{ inventory_id: items[0]!.id, service_id: services[4]!.id, quantity: 3, rate: 4.5 }]);
  return books;
}

/** Books per company, built on first use. */
export class BookStore {
  private readonly byCompany = new Map<string, CompanyBooks>();

  constructor(private readonly companies: readonly CompanyData[]) {}

  of(data: CompanyData): CompanyBooks {
    let books = this.byCompany.get(data.company.uuid);
    if (!books) {
      books = seedBooks(data, this.companies.indexOf(data));
      this.byCompany.set(data.company.uuid, books);
    }
    return books;
  }
}
