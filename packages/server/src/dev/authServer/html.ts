/**
 * HTML escaping for the sign-in and consent pages.
 *
 * Written here rather than taken from a package: it is the five characters HTML gives
 * meaning to, and every value we render (user input, client names, scopes) goes through it.
 */
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}
