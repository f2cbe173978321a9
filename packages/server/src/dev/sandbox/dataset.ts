/**
 * The sandbox's demo data: companies (from demoUsers.ts), warehouses, products, inventory
 * items and listings, generated deterministically from fixed seeds so every run and every
 * test sees the same ids, SKUs and numbers. Movements over time (sales, receipts) are derived
 * in ledger.ts from the parameters fixed here.
 */
import { createHash } from 'node:crypto';
import { DEMO_COMPANIES, DEMO_USERS, type DemoCompany, type DemoUser } from '../demoUsers.js';

/** The first day with data: opening stock, first receipts and first sales. */
export const DATA_START = '2024-01-01';
export const PRODUCTS_PER_COMPANY = 16;
export const WAREHOUSES_PER_COMPANY = 4;
/** Units every quarterly receipt carries beyond that quarter's sales, so stock never runs out. */
export const SAFETY_UNITS = 10;

export interface SandboxCompany {
  id: number;
  uuid: string;
  name: string;
  short_name: string;
  currency: string;
  timezone: string;
  /** Home country: the main warehouse's country. */
  country: string;
  /** Amazon marketplaces sold in; each has an FBA warehouse and one item per product. */
  marketplaces: string[];
  /** Documents dated before this are refused with 400. */
  entryLockedDate: string;
  brand: string;
}

export type WarehouseRole = 'main' | 'fba' | 'returns';

export interface SandboxWarehouse {
  uuid: string;
  name: string;
  type: string | null;
  country_code: string | null;
  role: WarehouseRole;
}

export interface SandboxProduct {
  id: number;
  sku: string;
  parent_sku: string;
  name: string;
  image: string;
  weight: number;
  length: number;
  height: number;
  depth: number;
  listingId: number;
  asin: string;
  color: string;
}

/** Per-unit amounts in minor units (cents), so sums are exact. */
export interface UnitCosts {
  purchase: number;
  freight: number;
  duty: number;
}

export interface SandboxItem {
  id: number;
  companyUuid: string;
  product: SandboxProduct;
  name: string;
  sku: string;
  fnsku: string;
  asin: string;
  country_code: string;
  image: string | null;
  /** The FBA warehouse this item is received into and sold from. */
  warehouseUuid: string;
  costs: UnitCosts;
  /** Sale price per unit, in cents. */
  priceCents: number;
  /** Typical units sold per month; each month varies around it. */
  baseMonthlyUnits: number;
  /** Units received into the main warehouse on DATA_START and never sold. */
  reserveUnits: number;
  createdAt: string;
  /** Set by inventory-item writes; otherwise the product's colour, `amazon`, and derived restock data. */
  variation?: string;
  source?: string;
  restockOverride?: Record<string, unknown>;
}

export interface SandboxUser {
  id: number;
  subject: string;
  name: string;
  email: string;
}

export interface CompanyData {
  company: SandboxCompany;
  warehouses: SandboxWarehouse[];
  products: SandboxProduct[];
  items: SandboxItem[];
  /** Who manages the items (the first demo user with access). */
  manager: SandboxUser | undefined;
}

export interface SandboxDataset {
  companies: CompanyData[];
  users: SandboxUser[];
  /** subject → company UUIDs that user can access. */
  access: Map<string, Set<string>>;
  company(uuid: string): CompanyData | undefined;
}

/** A number in [0, 1) fixed by its seed parts. */
export function seeded(...parts: Array<string | number>): number {
  const digest = createHash('sha256').update(parts.join('|')).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/** A UUID (version 4 layout) fixed by its seed. */
export function seededUuid(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function seededCode(seed: string, length: number): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
  const digest = createHash('sha256').update(seed).digest();
  let out = '';
  for (let i = 0; i < length; i += 1) out += alphabet[digest[i]! % alphabet.length];
  return out;
}

const between = (r: number, min: number, max: number): number => min + r * (max - min);
const round2 = (n: number): number => Math.round(n * 100) / 100;

const MARKETPLACES: Record<string, string[]> = { US: ['US', 'CA'], DE: ['DE', 'FR'], GB: ['GB', 'IE'] };
const TIMEZONES: Record<string, string> = { US: 'America/New_York', DE: 'Europe/Berlin', GB: 'Europe/London' };
const LOCKED_DATES: Record<string, string> = { US: '2025-01-01', DE: '2024-07-01', GB: '2025-01-01' };

const CATALOGUES: Record<string, { brand: string; products: string[] }> = {
  'Acme Outdoor Goods': {
    brand: 'Acme Trail',
    products: [
      'Two-Person Dome Tent', 'Ultralight Sleeping Bag', 'Trekking Pole Pair', 'Insulated Water Bottle',
      'Camp Stove Burner', 'Headlamp 300 Lumen', 'Dry Bag 20L', 'Folding Camp Chair',
      'Merino Hiking Socks', 'Hammock with Straps', 'Collapsible Cook Set', 'Rain Poncho',
      'Trail First Aid Kit', 'Solar Lantern', 'Compression Stuff Sack', 'Waterproof Map Case',
    ],
  },
  'Borealis Home GmbH': {
    brand: 'Borealis',
    products: [
      'Linen Cushion Cover', 'Wool Throw Blanket', 'Ceramic Table Lamp', 'Oak Wall Shelf',
      'Scented Soy Candle', 'Cotton Bath Towel Set', 'Glass Storage Jar', 'Jute Area Rug',
      'Bamboo Laundry Basket', 'Stoneware Vase', 'Blackout Curtain Panel', 'Velvet Pillow Insert',
      'Wall Clock Nordic', 'Felt Storage Box', 'Brass Picture Frame', 'Marble Coaster Set',
    ],
  },
  'Cobalt Kitchen Ltd': {
    brand: 'Cobalt',
    products: [
      'Cast Iron Skillet 26cm', 'Chef Knife 20cm', 'Bamboo Cutting Board', 'Silicone Spatula Set',
      'Stainless Mixing Bowls', 'Digital Kitchen Scale', 'Enamel Dutch Oven', 'Pepper Mill Beech',
      'Measuring Cup Set', 'Nonstick Frying Pan', 'Knife Sharpener', 'Glass Meal Prep Boxes',
      'Cotton Apron', 'Espresso Tamper', 'Herb Scissors', 'Oven Mitt Pair',
    ],
  },
};
const COLOURS = ['Black', 'White', 'Forest Green', 'Navy', 'Sand', 'Grey', 'Terracotta', 'Blue'];

function shortName(name: string): string {
  return name.split(/\s+/).filter((w) => /^[A-Z]/.test(w)).map((w) => w[0]).join('').slice(0, 3).toUpperCase() || 'CO';
}

function buildCompany(demo: DemoCompany, index: number): SandboxCompany {
  return {
    id: 101 + index,
    uuid: demo.uuid,
    name: demo.name,
    short_name: shortName(demo.name),
    currency: demo.currency,
    timezone: TIMEZONES[demo.country] ?? 'UTC',
    country: demo.country,
    marketplaces: MARKETPLACES[demo.country] ?? [demo.country],
    entryLockedDate: LOCKED_DATES[demo.country] ?? '2025-01-01',
    brand: CATALOGUES[demo.name]?.brand ?? demo.name.split(' ')[0]!,
  };
}

function buildWarehouses(company: SandboxCompany): SandboxWarehouse[] {
  const id = (key: string) => seededUuid(`${company.uuid}/warehouse/${key}`);
  return [
    { uuid: id('main'), name: `Main Warehouse ${company.country}`, type: 'Warehouse', country_code: company.country, role: 'main' },
    ...company.marketplaces.map((cc): SandboxWarehouse => ({
      uuid: id(`fba-${cc}`), name: `Amazon FBA ${cc}`, type: 'FBA', country_code: cc, role: 'fba',
    })),
    { uuid: id('returns'), name: 'Returns Center', type: null, country_code: null, role: 'returns' },
  ];
}

function buildProducts(company: SandboxCompany, index: number): SandboxProduct[] {
  const names = CATALOGUES[company.name]?.products
    ?? Array.from({ length: PRODUCTS_PER_COMPANY }, (_, p) => `${company.brand} Product ${p + 1}`);
  return names.slice(0, PRODUCTS_PER_COMPANY).map((name, p) => {
    const seed = `${company.uuid}/product/${p}`;
    const sku = `${company.short_name}-${String(p + 1).padStart(3, '0')}`;
    return {
      id: (index + 1) * 100 + p + 1,
      sku,
      parent_sku: `${company.short_name}-P${String(Math.floor(p / 4) + 1).padStart(2, '0')}`,
      name,
      image: `https://images.sandbox.neonpanel.test/products/${sku.toLowerCase()}.jpg`,
      weight: round2(between(seeded(seed, 'w'), 0.2, 12)),
      length: round2(between(seeded(seed, 'l'), 3, 30)),
      height: round2(between(seeded(seed, 'h'), 1, 20)),
      depth: round2(between(seeded(seed, 'd'), 1, 15)),
      listingId: (index + 1) * 10_000 + p + 1,
      asin: `B0${seededCode(`${seed}/asin`, 8)}`,
      color: COLOURS[Math.floor(seeded(seed, 'c') * COLOURS.length)]!,
    };
  });
}

function buildItems(company: SandboxCompany, index: number, products: SandboxProduct[], warehouses: SandboxWarehouse[]): SandboxItem[] {
  const items: SandboxItem[] = [];
  products.forEach((product, p) => {
    company.marketplaces.forEach((cc, k) => {
      const seed = `${company.uuid}/item/${p}/${cc}`;
      const purchase = Math.round(between(seeded(seed, 'purchase'), 300, 3_500));
      const freight = Math.round(purchase * between(seeded(seed, 'freight'), 0.08, 0.15));
      const duty = cc === company.country ? 0 : Math.round(purchase * between(seeded(seed, 'duty'), 0.03, 0.06));
      const landed = purchase + freight + duty;
      const id = (index + 1) * 1000 + p * company.marketplaces.length + k + 1;
      items.push({
        id,
        companyUuid: company.uuid,
        product,
        name: product.name,
        sku: `${product.sku}-${cc}`,
        fnsku: `X00${seededCode(`${seed}/fnsku`, 7)}`,
        asin: product.asin,
        country_code: cc,
        // Every fifth item has no image: the schema allows null and tools must cope.
        image: id % 5 === 0 ? null : product.image,
        warehouseUuid: warehouses.find((w) => w.role === 'fba' && w.country_code === cc)!.uuid,
        costs: { purchase, freight, duty },
        priceCents: Math.round(landed * between(seeded(seed, 'margin'), 2.2, 3.4)),
        baseMonthlyUnits: 10 + Math.floor(seeded(seed, 'units') * 40),
        reserveUnits: 20 + Math.floor(seeded(seed, 'reserve') * 80),
        createdAt: `${DATA_START}T09:00:00.000Z`,
      });
    });
  });
  return items;
}

function buildUsers(): SandboxUser[] {
  return DEMO_USERS.map((u: DemoUser, i) => ({ id: i + 1, subject: u.subject, name: u.name, email: u.email }));
}

export interface DatasetOptions {
  /** Generated companies added for every demo user, to exercise multi-page company lists. Default 0. */
  extraCompaniesPerUser?: number;
}

export function buildDataset(options: DatasetOptions = {}): SandboxDataset {
  const extra = options.extraCompaniesPerUser ?? 0;
  const demos: Array<{ demo: DemoCompany; owners: string[] }> = DEMO_COMPANIES.map((demo) => ({
    demo,
    owners: DEMO_USERS.filter((u) => u.companies.includes(demo.uuid)).map((u) => u.subject),
  }));
  for (const user of DEMO_USERS) {
    for (let n = 0; n < extra; n += 1) {
      const first = user.name.split(' ')[0]!;
      demos.push({
        demo: { uuid: seededUuid(`extra/${user.login}/${n}`), name: `${first} Trading ${String(n + 1).padStart(2, '0')}`, currency: 'USD', country: 'US' },
        owners: [user.subject],
      });
    }
  }

  const users = buildUsers();
  const access = new Map<string, Set<string>>(users.map((u) => [u.subject, new Set<string>()]));
  const companies = demos.map(({ demo, owners }, index): CompanyData => {
    const company = buildCompany(demo, index);
    const warehouses = buildWarehouses(company);
    const products = buildProducts(company, index);
    for (const owner of owners) access.get(owner)?.add(company.uuid);
    return {
      company,
      warehouses,
      products,
      items: buildItems(company, index, products, warehouses),
      manager: users.find((u) => u.subject === owners[0]),
    };
  });
  const byUuid = new Map(companies.map((c) => [c.company.uuid, c]));
  return { companies, users, access, company: (uuid) => byUuid.get(uuid) };
}
