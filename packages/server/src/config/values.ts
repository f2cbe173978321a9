/** How list and URL variables are read. */

/** A comma- or space-separated list; undefined when the value is absent or blank. */
export const list = (value: string | undefined): string[] | undefined =>
  value === undefined || value.trim() === ''
    ? undefined
    : value.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);

export const stripSlash = (url: string): string => url.replace(/\/+$/, '');
