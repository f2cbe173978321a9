/** Small DOM helpers shared by the views: elements from data, and number formatting. */
type Child = Node | string | number | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | ((event: Event) => void) | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.replace(/^on/, ''), value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'object' ? child : String(child));
  }
  return el;
}

/** Escapes text for the SVG markup the charts build (see revenue-cogs.ts). */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

let locale: string | undefined;
export function setLocale(value: string | undefined): void {
  locale = value;
}

export function formatNumber(n: number, digits = 0): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(n);
}

export function formatMoney(n: number, currency: string | undefined): string {
  if (!currency || !/^[A-Z]{3}$/.test(currency)) return formatNumber(n, 2);
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(n);
}

export function textOf(result: { content?: Array<{ type: string; text?: string }> }): string {
  return (result.content ?? []).map((c) => c.text ?? '').join('\n');
}

/** `append` that skips absent children, as `h` does. */
export function put(parent: HTMLElement, ...children: Child[]): void {
  for (const child of children) if (child !== null && child !== undefined && child !== false) parent.append(typeof child === 'object' ? child : String(child));
}
