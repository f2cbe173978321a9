/** Inventory writes: create, change and delete inventory items, and refresh a listing from Amazon. */
import { z } from 'zod';
import type { ToolDefinition } from './types.js';
import { companyArg, companyRef, dataOf, resolveCompany } from './common.js';
import { ToolInputError } from './errors.js';
import { structuredResult } from './result.js';
import { resolveItem } from './resolve.js';
import { itemArg } from './inventory.js';
import { CREATE_ANNOTATIONS, DELETE_ANNOTATIONS, idempotencyKeyArg, once, UPDATE_ANNOTATIONS } from './writes.js';

const num = (what: string) => z.number().min(0).optional().describe(what);
const restockArg = z.object({
  lead_time_days: num('Supplier lead time, days.'),
  safety_stock_days: num('Safety stock coverage, days.'),
  fba_lead_time_days: num('FBA lead time, days.'),
  fba_safety_stock_days: num('FBA safety stock, days.'),
  unit_vendor_price: num('Unit purchase price.'),
  unit_landed_cost: num('Unit landed cost.'),
  target_price: num('Target sale price.'),
  target_fba_fee: num('Target FBA fee per unit.'),
  target_referral_percentage: num('Target referral fee, %.'),
  estimated_daily_sales: num('Estimated units sold per day.'),
  estimated_price: num('Estimated sale price.'),
  daily_sales_target: num('Daily revenue target.'),
  daily_unit_sales_target: num('Daily units target.'),
}).describe('Restock settings; only those given are replaced.');

const itemFields = {
  country_code: z.string().length(2).toUpperCase().optional().describe('Marketplace country, two letters.'),
  fnsku: z.string().trim().min(1).max(20).optional(),
  variation: z.string().trim().max(200).optional().describe('Variation label, e.g. a colour.'),
  source: z.string().trim().max(50).optional().describe('Where the item sells, e.g. amazon.'),
  listing_id: z.number().int().positive().optional().describe('Amazon listing id (neonpanel_listings_search).'),
  manager_id: z.number().int().positive().optional().describe('User id of the item manager.'),
  restock: restockArg.optional(),
};

const fullItem = z.looseObject({ id: z.number().int(), country_code: z.string().optional(), fnsku: z.string().optional() });
const itemOutput = z.object({ company: companyRef, item: fullItem });

type ItemArgs = { country_code?: string; fnsku?: string; variation?: string; source?: string; listing_id?: number; manager_id?: number; restock?: Record<string, number | undefined> };
function itemBody(args: ItemArgs & { product_id?: number }) {
  const { restock, ...rest } = args;
  const body: Record<string, unknown> = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  if (restock) body['restock_data'] = Object.fromEntries(Object.entries(restock).filter(([, v]) => v !== undefined));
  return body;
}

const createInput = z.object({
  company: companyArg,
  product_id: z.number().int().positive().describe('The product this item belongs to (neonpanel_products_search).'),
  ...itemFields,
  idempotency_key: idempotencyKeyArg,
});

export const inventoryItemCreate: ToolDefinition<typeof createInput, typeof itemOutput> = {
  name: 'neonpanel_inventory_item_create',
  title: 'Create an inventory item',
  description:
    'Use to add an inventory item (a product sold in one marketplace) to a company. Returns the created item with its product, listing and restock settings. Retrying with the same idempotency_key returns the first result.',
  scope: 'write:inventory',
  toolset: 'inventory',
  operations: ['createInventoryItem'],
  input: createInput,
  output: itemOutput,
  annotations: CREATE_ANNOTATIONS,
  async handler(args, ctx) {
    const { company, idempotency_key: key, ...fields } = args;
    const c = await resolveCompany(ctx, company);
    return once(ctx, key, { op: 'item.create', company: c.uuid, fields }, async () => {
      const answer = dataOf(await ctx.neonpanel().POST('/api/v1/companies/{companyUuid}/inventory-items', {
        params: { path: { companyUuid: c.uuid } },
        body: itemBody(fields),
      }));
      return structuredResult({ company: { uuid: c.uuid, name: c.name }, item: answer as z.infer<typeof fullItem> }, `Created inventory item ${answer.id}.`);
    }, 'Check with neonpanel_inventory_search');
  },
};

const updateInput = z.object({ company: companyArg, item: itemArg, product_id: z.number().int().positive().optional().describe('Move the item to another product.'), ...itemFields });

export const inventoryItemUpdate: ToolDefinition<typeof updateInput, typeof itemOutput> = {
  name: 'neonpanel_inventory_item_update',
  title: 'Change an inventory item',
  description:
    'Use to change an inventory item: its marketplace, FNSKU, variation, listing, manager, product, or restock settings (lead times, safety stock, target price, costs). Replaces only the fields you pass; within restock, only the settings you pass. Returns the item as saved.',
  scope: 'write:inventory',
  toolset: 'inventory',
  operations: ['updateInventoryItem'],
  input: updateInput,
  output: itemOutput,
  annotations: UPDATE_ANNOTATIONS,
  async handler(args, ctx) {
    const { company, item, ...fields } = args;
    const body = itemBody(fields);
    if (Object.keys(body).length === 0) throw new ToolInputError('Nothing to update: pass at least one field.');
    const c = await resolveCompany(ctx, company);
    const ref = await resolveItem(ctx, c.uuid, item);
    const answer = dataOf(await ctx.neonpanel().PUT('/api/v1/companies/{companyUuid}/inventory-items/{inventoryId}', {
      params: { path: { companyUuid: c.uuid, inventoryId: ref.id } },
      body,
    }));
    return structuredResult({ company: { uuid: c.uuid, name: c.name }, item: { ...answer, id: answer.id ?? ref.id } }, `Updated inventory item ${ref.id}.`);
  },
};

const deleteInput = z.object({ company: companyArg, item: itemArg });
const deletedOutput = z.object({
  company: companyRef,
  deleted: z.looseObject({ item_id: z.number().int(), sku: z.string().optional(), product_sku: z.string().optional(), name: z.string().optional(), country_code: z.string().optional() }),
});

export const inventoryItemDelete: ToolDefinition<typeof deleteInput, typeof deletedOutput> = {
  name: 'neonpanel_inventory_item_delete',
  title: 'Delete an inventory item',
  description: 'Use to delete an inventory item. Cannot be undone. Returns the id, SKU and name of the item deleted.',
  scope: 'write:inventory',
  toolset: 'inventory',
  operations: ['getInventoryItemFullData', 'deleteInventoryItem'],
  input: deleteInput,
  output: deletedOutput,
  annotations: DELETE_ANNOTATIONS,
  async handler(args, ctx) {
    const c = await resolveCompany(ctx, args.company);
    const ref = await resolveItem(ctx, c.uuid, args.item);
    const api = ctx.neonpanel();
    // Read it first, so the result names what was deleted (the delete answers 204 with no body).
    const item = dataOf(await api.GET('/api/v1/companies/{companyUuid}/inventory-items/{inventoryId}', { params: { path: { companyUuid: c.uuid, inventoryId: ref.id } } }));
    await api.DELETE('/api/v1/companies/{companyUuid}/inventory-items/{inventoryId}', { params: { path: { companyUuid: c.uuid, inventoryId: ref.id } } });
    // The item's own SKU is known when the caller named it by SKU; its product's SKU always is.
    const deleted = Object.fromEntries(Object.entries({
      item_id: ref.id, sku: ref.sku, product_sku: item.product?.sku, name: ref.name ?? item.product?.name, country_code: item.country_code,
    }).filter(([, v]) => v !== undefined && v !== '')) as { item_id: number; sku?: string; product_sku?: string; name?: string; country_code?: string };
    const label = [deleted.sku ?? deleted.product_sku, deleted.name, deleted.country_code].filter(Boolean).join(', ');
    return structuredResult({ company: { uuid: c.uuid, name: c.name }, deleted }, `Deleted inventory item ${ref.id}${label ? ` (${label})` : ''}.`);
  },
};

const syncInput = z.object({ company: companyArg, listing_id: z.number().int().positive().describe('The listing id (neonpanel_listings_search).') });
const syncOutput = z.object({ company: companyRef, listing: z.looseObject({ id: z.number().int().optional(), asin: z.string().optional(), title: z.string().optional() }) });

export const listingSync: ToolDefinition<typeof syncInput, typeof syncOutput> = {
  name: 'neonpanel_listing_sync',
  title: 'Refresh a listing from Amazon',
  description:
    'Use when an Amazon listing changed (title, images, bullet points) and the scheduled sync is too slow: NeonPanel fetches it from Amazon now and replaces its stored copy. Returns the listing as stored.',
  scope: 'write:inventory',
  toolset: 'inventory',
  operations: ['syncListing'],
  input: syncInput,
  output: syncOutput,
  annotations: { ...UPDATE_ANNOTATIONS, destructiveHint: false },
  async handler(args, ctx) {
    const c = await resolveCompany(ctx, args.company);
    const answer = dataOf(await ctx.neonpanel().POST('/api/v1/companies/{companyUuid}/listings/{listingId}/sync', {
      params: { path: { companyUuid: c.uuid, listingId: args.listing_id } },
    }));
    return structuredResult({ company: { uuid: c.uuid, name: c.name }, listing: answer });
  },
};

export const inventoryWriteTools = [inventoryItemCreate, inventoryItemUpdate, inventoryItemDelete, listingSync];
