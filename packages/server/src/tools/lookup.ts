/**
 * Resolving what a user names in the accounting tools (a vendor or a service by name) to the
 * integer ids NeonPanel's payloads take. A number is used as given.
 */
import type { ToolContext } from './types.js';
import { dataOf } from './common.js';
import { ToolInputError } from './errors.js';

interface Named { id?: number; name?: string | null }

function pickOne<T extends Named>(found: T[], wanted: string, what: string, listTool: string): T & { id: number } {
  const usable = found.filter((x): x is T & { id: number } => typeof x.id === 'number');
  const exact = usable.filter((x) => (x.name ?? '').toLowerCase() === wanted.toLowerCase());
  const pick = exact.length >= 1 ? exact : usable;
  if (pick.length === 1) return pick[0]!;
  if (pick.length === 0) throw new ToolInputError(`No ${what} matching "${wanted}" in this company. Use ${listTool} to see them.`);
  throw new ToolInputError(`"${wanted}" matches several ${what}s: ${pick.slice(0, 10).map((x) => `${x.name} (id ${x.id})`).join(', ')}. Pass the id.`);
}

export async function resolveVendorId(ctx: ToolContext, companyUuid: string, vendor: number | string): Promise<number> {
  if (typeof vendor === 'number' || /^\d+$/.test(vendor)) return Number(vendor);
  const answer = dataOf(await ctx.neonpanel().GET('/api/v1/companies/{companyUuid}/vendors', {
    params: { path: { companyUuid }, query: { search: vendor, per_page: 50 } },
  }));
  return pickOne(answer.data ?? [], vendor, 'vendor', 'neonpanel_vendors_list').id;
}

export async function resolveServiceId(ctx: ToolContext, companyUuid: string, service: number | string): Promise<number> {
  if (typeof service === 'number' || /^\d+$/.test(service)) return Number(service);
  const answer = dataOf(await ctx.neonpanel().GET('/api/v1/companies/{companyUuid}/services', {
    params: { path: { companyUuid }, query: { search: service, per_page: 50 } },
  }));
  return pickOne(answer.data ?? [], service, 'service', 'neonpanel_services_list').id;
}
