/**
 * Named reporting periods ("last month", "this quarter", "year to date") turned into dates.
 * Pure functions of a reference day, in UTC, so results do not depend on the host's zone.
 */
import { z } from 'zod';

export const PERIODS = [
  'today',
  'yesterday',
  'last_7_days',
  'last_30_days',
  'this_month',
  'last_month',
  'this_quarter',
  'last_quarter',
  'year_to_date',
  'last_year',
] as const;
export type Period = (typeof PERIODS)[number];

/** How results state the period they cover. */
export const dateRangeOut = z.object({ start_date: z.string(), end_date: z.string() });

export interface DateRange {
  start_date: string;
  end_date: string;
}

const iso = (d: Date) => d.toISOString().slice(0, 10);
const utc = (y: number, m: number, d: number) => new Date(Date.UTC(y, m, d));

export function resolvePeriod(period: Period, today: Date = new Date()): DateRange {
  const y = today.getUTCFullYear();
  const m = today.getUTCMonth();
  const d = today.getUTCDate();
  const q = Math.floor(m / 3);
  switch (period) {
    case 'today':
      return { start_date: iso(utc(y, m, d)), end_date: iso(utc(y, m, d)) };
    case 'yesterday':
      return { start_date: iso(utc(y, m, d - 1)), end_date: iso(utc(y, m, d - 1)) };
    case 'last_7_days':
      return { start_date: iso(utc(y, m, d - 6)), end_date: iso(utc(y, m, d)) };
    case 'last_30_days':
      return { start_date: iso(utc(y, m, d - 29)), end_date: iso(utc(y, m, d)) };
    case 'this_month':
      return { start_date: iso(utc(y, m, 1)), end_date: iso(utc(y, m, d)) };
    case 'last_month':
      return { start_date: iso(utc(y, m - 1, 1)), end_date: iso(utc(y, m, 0)) };
    case 'this_quarter':
      return { start_date: iso(utc(y, q * 3, 1)), end_date: iso(utc(y, m, d)) };
    case 'last_quarter':
      return { start_date: iso(utc(y, q * 3 - 3, 1)), end_date: iso(utc(y, q * 3, 0)) };
    case 'year_to_date':
      return { start_date: iso(utc(y, 0, 1)), end_date: iso(utc(y, m, d)) };
    case 'last_year':
      return { start_date: iso(utc(y - 1, 0, 1)), end_date: iso(utc(y - 1, 11, 31)) };
  }
}

/** Explicit dates win; otherwise the year so far. */
export function rangeOrYearToDate(start: string | undefined, end: string | undefined, today: Date = new Date()): DateRange {
  const ytd = resolvePeriod('year_to_date', today);
  return { start_date: start ?? ytd.start_date, end_date: end ?? ytd.end_date };
}
