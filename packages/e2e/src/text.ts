/**
 * A server-supplied string as it may appear in the report: control characters (which could
 * rewrite a terminal or break a table) replaced, and bounded in length.
 */
export function clip(text: string, max = 80): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  return clean.length > max ? `${clean.slice(0, max - 3)}...` : clean;
}
