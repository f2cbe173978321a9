/**
 * Sandbox records → the API's JSON shapes (Company, Warehouse, InventoryItem, Listing, …).
 * Only fields the contract declares are emitted.
 */
import type { CompanyData, SandboxCompany, SandboxItem, SandboxProduct, SandboxUser, SandboxWarehouse } from './dataset.js';
import { DATA_START } from './dataset.js';
import { cents, landedUnitCost } from './ledger.js';

export function companyJson(c: SandboxCompany) {
  return { id: c.id, uuid: c.uuid, name: c.name, short_name: c.short_name, currency: c.currency, timezone: c.timezone };
}

export function warehouseJson(w: SandboxWarehouse) {
  return { uuid: w.uuid, name: w.name, type: w.type, country_code: w.country_code };
}

export function itemJson(i: SandboxItem) {
  const p = i.product;
  return {
    id: i.id, name: i.name, fnsku: i.fnsku, asin: i.asin, sku: i.sku, image: i.image, country_code: i.country_code,
    weight: p.weight, length: p.length, height: p.height, depth: p.depth,
  };
}

export function productJson(p: SandboxProduct) {
  return {
    id: p.id, sku: p.sku, parent_sku: p.parent_sku, name: p.name, image: p.image,
    weight: p.weight, length: p.length, height: p.height, depth: p.depth,
  };
}

export function listingJson(p: SandboxProduct, data: CompanyData) {
  const language = data.company.country === 'DE' ? 'de_DE' : 'en_US';
  return {
    id: p.listingId,
    asin: p.asin,
    parent_asin: p.asin,
    title: `${data.company.brand} ${p.name}, ${p.color}`,
    brand: data.company.brand,
    color: p.color,
    image: p.image,
    bullet_points: {
      [language]: [`${p.name} by ${data.company.brand}`, `Colour: ${p.color}`, `Weight: ${p.weight} lb`],
    },
  };
}

export function userJson(u: SandboxUser) {
  return {
    id: u.id,
    name: u.name,
    email: u.email,
    avatar_url: `https://images.sandbox.neonpanel.test/avatars/${u.id}.png`,
    verified_at: `${DATA_START}T08:00:00.000Z`,
    last_login_at: '2025-01-02T08:30:00.000Z',
  };
}

export function restockJson(i: SandboxItem) {
  const dailyUnits = Math.round((i.baseMonthlyUnits / 30) * 100) / 100;
  const price = cents(i.priceCents);
  return {
    daily_sales_target: Math.round(dailyUnits * 1.2 * price * 100) / 100,
    unit_vendor_price: cents(i.costs.purchase),
    unit_landed_cost: cents(landedUnitCost(i)),
    estimated_daily_sales: dailyUnits,
    estimated_price: price,
    lead_time_days: 45,
    safety_stock_days: 14,
    fba_lead_time_days: 10,
    fba_safety_stock_days: 7,
    target_fba_fee: Math.round(price * 0.18 * 100) / 100,
    target_price: price,
    target_referral_percentage: 15,
    daily_unit_sales_target: Math.round(dailyUnits * 1.2 * 100) / 100,
  };
}

/** An inventory item as `getInventoryItemFullData` returns it (also the answer to its create and update). */
export function fullItemJson(data: CompanyData, i: SandboxItem) {
  return {
    id: i.id,
    country_code: i.country_code,
    source: i.source ?? 'amazon',
    fnsku: i.fnsku,
    variation: i.variation ?? i.product.color,
    ...(data.manager ? { manager: userJson(data.manager) } : {}),
    product: productJson(i.product),
    listing: listingJson(i.product, data),
    restock_data: { ...restockJson(i), ...(i.restockOverride ?? {}) },
    created_at: i.createdAt,
  };
}
