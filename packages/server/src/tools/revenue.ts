/** Revenue tools: revenue and COGS grouped and bucketed, and named-period analytics on top. */
import { z } from 'zod';
import type { ToolContext, ToolDefinition } from './types.js';
import { dataOf, isoDate, READ_ANNOTATIONS, resolveCompany } from './common.js';
import { PERIODS, resolvePeriod, type DateRange, dateRangeOut } from './periods.js';
import { structuredResult } from './result.js';
import { ToolInputError } from './errors.js';
import { bounded } from './bounded.js';

const GROUPINGS = ['company', 'country', 'invoice'] as const;
const PERIODICITIES = ['total', 'yearly', 'quarterly', 'monthly'] as const;

const companiesArg = z
  .array(z.string().trim().min(1).max(200))
  .max(50)
  .optional()
  .describe('Companies to include (UUIDs or names); all accessible companies when omitted.');
const countriesArg = z.array(z.string().length(2).toUpperCase()).max(50).optional().describe('Marketplace countries (two letters) to include.');

const row = z.looseObject({
  start_date: z.string().optional(),
  end_date: z.string().optional(),
  revenue_amount: z.number().optional(),
  cogs_amount: z.number().optional(),
  currency: z.string().optional(),
  country_code: z.string().nullable().optional(),
});

interface RevenueQuery extends DateRange {
  companies?: string[] | undefined;
  countries?: string[] | undefined;
  grouping: Array<(typeof GROUPINGS)[number]>;
  periodicity: (typeof PERIODICITIES)[number];
}

async function fetchRevenue(ctx: ToolContext, q: RevenueQuery) {
  if (q.start_date > q.end_date) throw new ToolInputError('start_date must not be after end_date.');
  const companyUuids = q.companies ? (await Promise.all(q.companies.map((c) => resolveCompany(ctx, c)))).map((c) => c.uuid) : undefined;
  const answer = dataOf(await ctx.neonpanel().GET('/api/v1/revenue-and-cogs', {
    params: {
      query: {
        start_date: q.start_date,
        end_date: q.end_date,
        periodicity: q.periodicity,
        grouping: q.grouping,
        ...(companyUuids ? { company_uuids: companyUuids } : {}),
        ...(q.countries ? { country_codes: q.countries } : {}),
      },
    },
  }));
  return answer.data ?? [];
}

/** Totals per currency: amounts in different currencies are never added together. */
function totalsByCurrency(rows: Array<z.infer<typeof row>>) {
  const totals = new Map<string, { currency: string; revenue: number; cogs: number }>();
  for (const r of rows) {
    const currency = r.currency ?? 'unknown';
    const t = totals.get(currency) ?? { currency, revenue: 0, cogs: 0 };
    t.revenue += r.revenue_amount ?? 0;
    t.cogs += r.cogs_amount ?? 0;
    totals.set(currency, t);
  }
  const round = (n: number) => Math.round(n * 100) / 100;
  return [...totals.values()].map((t) => ({
    currency: t.currency,
    revenue: round(t.revenue),
    cogs: round(t.cogs),
    gross_profit: round(t.revenue - t.cogs),
    gross_margin_percent: t.revenue === 0 ? null : Math.round(((t.revenue - t.cogs) / t.revenue) * 10_000) / 100,
  }));
}

const totals = z.array(z.object({
  currency: z.string(),
  revenue: z.number(),
  cogs: z.number(),
  gross_profit: z.number(),
  gross_margin_percent: z.number().nullable(),
}));

const revenueInput = z.object({
  start_date: isoDate.describe('First day (YYYY-MM-DD).'),
  end_date: isoDate.optional().describe('Last day (YYYY-MM-DD); today when omitted.'),
  grouping: z.array(z.enum(GROUPINGS)).min(1).max(3).default(['company']).describe('Group rows by company, country and/or invoice.'),
  periodicity: z.enum(PERIODICITIES).default('total').describe('One row per period bucket: total, yearly, quarterly or monthly.'),
  companies: companiesArg,
  countries: countriesArg,
});
const revenueOutput = z.object({ period: dateRangeOut, rows: z.array(row), totals, note: z.string().optional() });

const NARROW_REVENUE = 'Totals cover every row. Narrow with a coarser periodicity, fewer groupings, companies or countries, or a shorter range.';

/** A one-line answer per currency, for hosts that show only text. */
function totalsLine(t: z.infer<typeof totals>): string {
  return t.map((x) => `${x.currency}: revenue ${x.revenue}, COGS ${x.cogs}, margin ${x.gross_margin_percent ?? '—'} %`).join('; ') || 'no revenue';
}

export const revenueAndCogs: ToolDefinition<typeof revenueInput, typeof revenueOutput> = {
  name: 'neonpanel_revenue_cogs',
  title: 'Revenue and COGS',
  description:
    'Use for revenue and cost of goods sold between two dates, grouped by company, country or invoice and bucketed total, yearly, quarterly or monthly. Returns the rows and per-currency totals with gross profit and margin.',
  scope: 'read:revenue',
  toolset: 'revenue',
  operations: ['revenueAndCogsSummary'],
  input: revenueInput,
  output: revenueOutput,
  annotations: READ_ANNOTATIONS,
  ui: { view: 'revenue-cogs' },
  async handler(args, ctx) {
    const period = { start_date: args.start_date, end_date: args.end_date ?? new Date().toISOString().slice(0, 10) };
    const rows = await fetchRevenue(ctx, { ...period, grouping: args.grouping, periodicity: args.periodicity, companies: args.companies, countries: args.countries });
    const all = totalsByCurrency(rows);
    const shown = bounded(rows, NARROW_REVENUE);
    return structuredResult(
      { period, rows: shown.rows, totals: all, ...(shown.note ? { note: shown.note } : {}) },
      `Revenue and COGS ${period.start_date} to ${period.end_date} (${rows.length} rows): ${totalsLine(all)}.`,
    );
  },
};

const analyticsInput = z.object({
  period: z.enum(PERIODS).optional().describe('A named period, e.g. last_month, this_quarter, year_to_date. Ignored when start_date is given.'),
  start_date: isoDate.optional().describe('Explicit first day (YYYY-MM-DD), instead of a named period.'),
  end_date: isoDate.optional().describe('Explicit last day (YYYY-MM-DD); today when omitted.'),
  breakdown: z.enum(PERIODICITIES).default('monthly').describe('How to bucket the trend.'),
  companies: companiesArg,
  countries: countriesArg,
});
const analyticsOutput = z.object({
  period: dateRangeOut.extend({ name: z.string() }),
  totals,
  trend: z.array(row),
  by_country: z.array(row),
  note: z.string().optional(),
});

export const revenueAnalytics: ToolDefinition<typeof analyticsInput, typeof analyticsOutput> = {
  name: 'neonpanel_analytics_revenue_summary',
  title: 'Revenue analytics for a period',
  description:
    'Use for questions like "revenue analytics for last month" or "how is this quarter going": revenue, COGS, gross profit and margin for a named period (last_month, this_quarter, year_to_date…) or explicit dates, with a trend and a per-country breakdown.',
  scope: 'read:analytics',
  toolset: 'revenue',
  operations: ['revenueAndCogsSummary'],
  input: analyticsInput,
  output: analyticsOutput,
  annotations: READ_ANNOTATIONS,
  ui: { view: 'revenue-cogs' },
  async handler(args, ctx) {
    const name = args.start_date ? 'custom' : (args.period ?? 'last_30_days');
    const range = args.start_date
      ? { start_date: args.start_date, end_date: args.end_date ?? new Date().toISOString().slice(0, 10) }
      : resolvePeriod(args.period ?? 'last_30_days');
    const common = { ...range, companies: args.companies, countries: args.countries };
    await ctx.progress(0, 2, 'Fetching the trend');
    const [trend, byCountry] = await Promise.all([
      fetchRevenue(ctx, { ...common, grouping: ['company'], periodicity: args.breakdown }),
      fetchRevenue(ctx, { ...common, grouping: ['country'], periodicity: 'total' }),
    ]);
    await ctx.progress(2, 2, 'Done');
    const all = totalsByCurrency(trend);
    const shownTrend = bounded(trend, NARROW_REVENUE);
    const shownCountries = bounded(byCountry, NARROW_REVENUE);
    const note = shownTrend.note ?? shownCountries.note;
    return structuredResult(
      { period: { name, ...range }, totals: all, trend: shownTrend.rows, by_country: shownCountries.rows, ...(note ? { note } : {}) },
      `Revenue analytics for ${name} (${range.start_date} to ${range.end_date}): ${totalsLine(all)}.`,
    );
  },
};

export const revenueTools = [revenueAndCogs, revenueAnalytics];
