/**
 * Results that feed a view stay small: models read `structuredContent` too, so a linked
 * tool returns at most this many rows, with a note saying how to narrow the question.
 */
export const MAX_RESULT_ROWS = 50;

export function bounded<T>(rows: readonly T[], narrow: string): { rows: T[]; note?: string } {
  if (rows.length <= MAX_RESULT_ROWS) return { rows: [...rows] };
  return { rows: rows.slice(0, MAX_RESULT_ROWS), note: `Showing ${MAX_RESULT_ROWS} of ${rows.length} rows. ${narrow}` };
}
