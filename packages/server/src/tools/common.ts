/**
 * Pieces every NeonPanel tool uses: argument schemas that match the API's limits, company
 * resolution by UUID or name, pagination output, and unwrapping typed API answers.
 */
import { z } from 'zod';
import type { ToolContext } from './types.js';
import type { CompanySummary } from './services.js';
import { ToolInputError } from './errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const companyArg = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .describe('The company: its UUID, or its name (as listed by neonpanel_companies_list).');

/** The API takes 10 to 60 items a page, 30 by default. */
export const pageArgs = {
  page: z.number().int().min(1).default(1).describe('Page number, from 1.'),
  per_page: z.number().int().min(10).max(60).default(30).describe('Items per page (10 to 60).'),
};

export const isoDate = z.iso.date().describe('A date as YYYY-MM-DD.');

/** How results name the company they answer for. */
export const companyRef = z.object({ uuid: z.string(), name: z.string() });

export const pageInfo = z.object({
  page: z.number().int(),
  per_page: z.number().int(),
  last_page: z.number().int(),
  has_more: z.boolean(),
});

export function pageOf(answer: { current_page?: number; per_page?: number; last_page?: number }, fallback: { page: number; per_page: number }) {
  const page = answer.current_page ?? fallback.page;
  const lastPage = answer.last_page ?? page;
  return { page, per_page: answer.per_page ?? fallback.per_page, last_page: lastPage, has_more: page < lastPage };
}

/** openapi-fetch returns `{ data }`; our client throws on every failure, so `data` is there. */
export function dataOf<T>(result: { data?: T }): T {
  if (result.data === undefined) throw new Error('NeonPanel returned no data');
  return result.data;
}

/**
 * A user's complete company list: every page, fetched once per TTL per subject, and one fetch
 * in flight per subject: whoever asks meanwhile (another tool call, another session) shares it.
 */
export async function companiesOf(ctx: ToolContext): Promise<CompanySummary[]> {
  const cached = ctx.services.companyCache.get(ctx.subject);
  if (cached) return cached;
  const inFlight = ctx.services.companiesInFlight;
  const shared = inFlight.get(ctx.subject);
  if (!shared) {
    const fetching = fetchCompanies(ctx);
    const entry = { fetching, signal: ctx.signal };
    inFlight.set(ctx.subject, entry);
    const done = (): void => void (inFlight.get(ctx.subject) === entry && inFlight.delete(ctx.subject));
    fetching.then(done, done);
    return fetching;
  }
  try {
    return await shared.fetching;
  } catch (error) {
    // The shared fetch runs under the call that started it: when that caller cancelled, the
    // fetch failed for its reason, not ours. A caller still waiting fetches again itself.
    if (shared.signal?.aborted && !ctx.signal?.aborted) return companiesOf(ctx);
    throw error;
  }
}

async function fetchCompanies(ctx: ToolContext): Promise<CompanySummary[]> {
  const cache = ctx.services.companyCache;
  const api = ctx.neonpanel();
  const perPage = 60;
  const first = dataOf(await api.GET('/api/v1/companies', { params: { query: { page: 1, per_page: perPage } } }));
  const pages = [first];
  const lastPage = Math.min(first.last_page ?? 1, 100); // 6,000 companies is past any real account
  const rest = await Promise.all(
    Array.from({ length: Math.max(lastPage - 1, 0) }, (_, i) =>
      api.GET('/api/v1/companies', { params: { query: { page: i + 2, per_page: perPage } } }).then(dataOf),
    ),
  );
  pages.push(...rest);
  const companies: CompanySummary[] = [];
  for (const page of pages) {
    for (const c of page.data ?? []) {
      if (typeof c.uuid === 'string' && typeof c.name === 'string') {
        companies.push({
          uuid: c.uuid,
          name: c.name,
          ...(c.short_name ? { short_name: c.short_name } : {}),
          ...(c.currency ? { currency: c.currency } : {}),
          ...(c.timezone ? { timezone: c.timezone } : {}),
        });
      }
    }
  }
  cache.set(ctx.subject, companies);
  return companies;
}


/**
 * A UUID is used as given (NeonPanel answers 403 for a company the user cannot access);
 * a name is matched case-insensitively, exactly first, then as a unique substring.
 */
export async function resolveCompany(ctx: ToolContext, company: string): Promise<CompanySummary> {
  if (UUID.test(company)) {
    const known = ctx.services.companyCache.get(ctx.subject)?.find((c) => c.uuid.toLowerCase() === company.toLowerCase());
    return known ?? { uuid: company, name: company };
  }
  const all = await companiesOf(ctx);
  const wanted = company.toLowerCase();
  const exact = all.filter((c) => c.name.toLowerCase() === wanted || c.short_name?.toLowerCase() === wanted);
  if (exact.length === 1) return exact[0]!;
  const partial = exact.length > 1 ? exact : all.filter((c) => c.name.toLowerCase().includes(wanted));
  if (partial.length === 1) return partial[0]!;
  if (partial.length === 0) {
    throw new ToolInputError(
      `No company named "${company}" is available to this account. Known companies: ${all.slice(0, 20).map((c) => c.name).join(', ') || 'none'}.`,
    );
  }
  throw new ToolInputError(
    `"${company}" matches several companies: ${partial.slice(0, 10).map((c) => `${c.name} (${c.uuid})`).join(', ')}. Pass the UUID.`,
  );
}

/** Read tools are read-only, idempotent, and reach NeonPanel (an external system). */
export const READ_ANNOTATIONS = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true } as const;
// Write tools' annotations (create, update, delete) live in writes.ts.
