/**
 * Resolving what a user names (a warehouse by name, an item by SKU) to the ids the API takes.
 */
import type { ToolContext } from './types.js';
import { dataOf } from './common.js';
import { ToolInputError } from './errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface WarehouseRef {
  uuid: string;
  name: string;
}

export async function resolveWarehouse(ctx: ToolContext, companyUuid: string, warehouse: string): Promise<WarehouseRef> {
  if (UUID.test(warehouse)) return { uuid: warehouse, name: warehouse };
  const answer = dataOf(await ctx.neonpanel().GET('/api/v1/companies/{companyUuid}/warehouses', {
    params: { path: { companyUuid }, query: { search: warehouse, page: 1, per_page: 60 } },
  }));
  const found = (answer.data ?? []).filter((w): w is { uuid: string; name: string } => typeof w.uuid === 'string' && typeof w.name === 'string');
  const wanted = warehouse.toLowerCase();
  const exact = found.filter((w) => w.name.toLowerCase() === wanted);
  const pick = exact.length === 1 ? exact : found;
  if (pick.length === 1) return { uuid: pick[0]!.uuid, name: pick[0]!.name };
  if (pick.length === 0) throw new ToolInputError(`No warehouse matching "${warehouse}" in this company. Use neonpanel_warehouses_list to see them.`);
  throw new ToolInputError(`"${warehouse}" matches several warehouses: ${pick.slice(0, 10).map((w) => `${w.name} (${w.uuid})`).join(', ')}. Pass the UUID.`);
}

export interface ItemRef {
  id: number;
  sku?: string | undefined;
  name?: string | undefined;
}

/** A numeric id is used as given; otherwise the text is tried as a SKU, then as a search (ASIN, FNSKU, name). */
export async function resolveItem(ctx: ToolContext, companyUuid: string, item: string | number): Promise<ItemRef> {
  if (typeof item === 'number' || /^\d+$/.test(item)) return { id: Number(item) };
  const api = ctx.neonpanel();
  const list = async (query: { sku?: string; search?: string }) =>
    (dataOf(await api.GET('/api/v1/companies/{companyUuid}/inventory-items', {
      params: { path: { companyUuid }, query: { ...query, page: 1, per_page: 60 } },
    })).data ?? []).filter((i): i is typeof i & { id: number } => typeof i.id === 'number');
  let found = await list({ sku: item });
  if (found.length === 0) found = await list({ search: item });
  const wanted = item.toLowerCase();
  const exact = found.filter((i) => [i.sku, i.asin, i.fnsku].some((v) => v?.toLowerCase() === wanted));
  const pick = exact.length >= 1 ? exact : found;
  if (pick.length === 1 || (exact.length > 1 && new Set(exact.map((i) => i.id)).size === 1)) {
    return { id: pick[0]!.id, sku: pick[0]!.sku, name: pick[0]!.name };
  }
  if (pick.length === 0) throw new ToolInputError(`No inventory item matching "${item}". Use neonpanel_inventory_search to find it.`);
  throw new ToolInputError(
    `"${item}" matches several inventory items: ${pick.slice(0, 10).map((i) => `${i.sku ?? i.name} (id ${i.id}, ${i.country_code ?? '?'})`).join(', ')}. Pass the item id.`,
  );
}
