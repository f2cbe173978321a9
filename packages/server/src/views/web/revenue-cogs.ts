/**
 * Revenue and COGS: bars per period for revenue and COGS, the gross margin as a line (inline
 * SVG), and the same numbers in a table under the chart, for screen readers and copying.
 * Reads `neonpanel_revenue_cogs` (`rows`) and `neonpanel_analytics_revenue_summary` (`trend`).
 * Amounts in different currencies are never added: one currency at a time, with a switch.
 */
import type { Json } from './bridge.js';
import { escapeXml, formatMoney, formatNumber, h, put } from './dom.js';
import { startView } from './shell.js';

interface Period { start: string; end: string; revenue: number; cogs: number }

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

function periodsByCurrency(data: Json): Map<string, Period[]> {
  const rows = (Array.isArray(data['rows']) ? data['rows'] : Array.isArray(data['trend']) ? data['trend'] : []) as Json[];
  const out = new Map<string, Map<string, Period>>();
  for (const r of rows) {
    const currency = typeof r['currency'] === 'string' ? r['currency'] : '—';
    const start = typeof r['start_date'] === 'string' ? r['start_date'] : '';
    const periods = out.get(currency) ?? new Map<string, Period>();
    const p = periods.get(start) ?? { start, end: typeof r['end_date'] === 'string' ? r['end_date'] : start, revenue: 0, cogs: 0 };
    p.revenue += num(r['revenue_amount']);
    p.cogs += num(r['cogs_amount']);
    periods.set(start, p);
    out.set(currency, periods);
  }
  return new Map([...out].map(([c, p]) => [c, [...p.values()].sort((a, b) => (a.start < b.start ? -1 : 1))]));
}

const marginOf = (p: { revenue: number; cogs: number }): number | null => (p.revenue === 0 ? null : ((p.revenue - p.cogs) / p.revenue) * 100);

function label(p: Period): string {
  if (p.start === p.end || !p.end) return p.start;
  return p.start.slice(0, 7) === p.end.slice(0, 7) ? p.start.slice(0, 7) : `${p.start} – ${p.end}`;
}

/** The chart as SVG markup: bars on the left scale (amounts), the margin line on 0–100 %. */
function chart(periods: Period[], currency: string): string {
  const W = 600, H = 240, top = 12, bottom = 28, left = 8, right = 8;
  const plotH = H - top - bottom;
  const max = Math.max(1, ...periods.flatMap((p) => [p.revenue, p.cogs]));
  const slot = (W - left - right) / Math.max(periods.length, 1);
  const bar = Math.max(2, Math.min(28, slot * 0.34));
  const y = (v: number) => top + plotH - (Math.max(v, 0) / max) * plotH;
  const parts: string[] = [`<line class="axis" x1="${left}" x2="${W - right}" y1="${top + plotH}" y2="${top + plotH}"/>`];
  const points: string[] = [];
  const every = Math.ceil(periods.length / 8);
  periods.forEach((p, i) => {
    const x = left + slot * i + slot / 2;
    const title = (what: string, v: number) => `<title>${escapeXml(`${label(p)} ${what}: ${formatMoney(v, currency)}`)}</title>`;
    parts.push(`<rect class="revenue" data-period="${escapeXml(p.start)}" data-series="revenue" x="${(x - bar - 1).toFixed(1)}" y="${y(p.revenue).toFixed(1)}" width="${bar.toFixed(1)}" height="${(top + plotH - y(p.revenue)).toFixed(1)}">${title('revenue', p.revenue)}</rect>`);
    parts.push(`<rect class="cogs" data-period="${escapeXml(p.start)}" data-series="cogs" x="${(x + 1).toFixed(1)}" y="${y(p.cogs).toFixed(1)}" width="${bar.toFixed(1)}" height="${(top + plotH - y(p.cogs)).toFixed(1)}">${title('COGS', p.cogs)}</rect>`);
    const m = marginOf(p);
    if (m !== null) {
      const my = top + plotH - (Math.min(Math.max(m, 0), 100) / 100) * plotH;
      points.push(`${x.toFixed(1)},${my.toFixed(1)}`);
      parts.push(`<circle class="margin-dot" cx="${x.toFixed(1)}" cy="${my.toFixed(1)}" r="3"><title>${escapeXml(`${label(p)} margin: ${formatNumber(m, 1)} %`)}</title></circle>`);
    }
    if (i % every === 0) parts.push(`<text x="${x.toFixed(1)}" y="${H - 10}" text-anchor="middle">${escapeXml(label(p).slice(0, 10))}</text>`);
  });
  if (points.length > 1) parts.push(`<polyline class="margin" data-series="margin" points="${points.join(' ')}"/>`);
  return `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="Revenue and COGS per period, with the gross margin">${parts.join('')}</svg>`;
}

let chosen: string | undefined;

startView('neonpanel-revenue-cogs', (root, state) => {
  const data = state.result!.structuredContent!;
  const byCurrency = periodsByCurrency(data);
  const currencies = [...byCurrency.keys()];
  const currency = chosen && byCurrency.has(chosen) ? chosen : currencies[0];
  const period = (data['period'] ?? {}) as Json;
  put(root, h('h1', {}, 'Revenue and COGS'),
    h('p', { class: 'muted' }, [period['name'], period['start_date'] && `${String(period['start_date'])} – ${String(period['end_date'] ?? '')}`].filter(Boolean).join(' · ')));
  if (!currency) {
    put(root, h('p', { class: 'muted' }, 'No revenue in this period.'));
    return;
  }
  const periods = byCurrency.get(currency)!;
  if (currencies.length > 1) {
    put(root, h('div', { class: 'toolbar', role: 'group', 'aria-label': 'Currency' }, ...currencies.map((c) => h('button', {
      class: 'action', type: 'button', 'data-currency': c, 'aria-pressed': String(c === currency),
      onclick: () => {
        chosen = c;
        state.refresh();
      },
    }, c))));
  }
  const figure = h('div', { class: 'chart', 'data-currency-shown': currency });
  // innerHTML on a div parses <svg> into the SVG namespace, so no namespace URI is needed.
  figure.innerHTML = chart(periods, currency);
  const totals = periods.reduce((t, p) => ({ revenue: t.revenue + p.revenue, cogs: t.cogs + p.cogs }), { revenue: 0, cogs: 0 });
  const pct = (m: number | null) => (m === null ? '—' : `${formatNumber(m, 1)} %`);
  put(root, 
    h('div', { class: 'legend' },
      h('span', {}, h('span', { class: 'swatch', style: 'background:var(--accent)' }), 'Revenue'),
      h('span', {}, h('span', { class: 'swatch', style: 'background:var(--accent-2)' }), 'COGS'),
      h('span', {}, h('span', { class: 'swatch', style: 'background:var(--good)' }), 'Gross margin (0–100 %)')),
    figure,
    h('div', { class: 'scroll' }, h('table', { 'aria-label': `Revenue and COGS in ${currency}` },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Period'), h('th', { class: 'num', scope: 'col' }, 'Revenue'), h('th', { class: 'num', scope: 'col' }, 'COGS'),
        h('th', { class: 'num', scope: 'col' }, 'Gross profit'), h('th', { class: 'num', scope: 'col' }, 'Margin'))),
      h('tbody', {}, ...periods.map((p) => h('tr', { 'data-period': p.start },
        h('td', {}, label(p)), h('td', { class: 'num' }, formatMoney(p.revenue, currency)), h('td', { class: 'num' }, formatMoney(p.cogs, currency)),
        h('td', { class: 'num' }, formatMoney(p.revenue - p.cogs, currency)), h('td', { class: 'num' }, pct(marginOf(p)))))),
      h('tfoot', {}, h('tr', {}, h('td', {}, 'Total'), h('td', { class: 'num', 'data-total': 'revenue' }, formatMoney(totals.revenue, currency)),
        h('td', { class: 'num', 'data-total': 'cogs' }, formatMoney(totals.cogs, currency)), h('td', { class: 'num' }, formatMoney(totals.revenue - totals.cogs, currency)),
        h('td', { class: 'num', 'data-total': 'margin' }, pct(marginOf(totals))))))),
    typeof data['note'] === 'string' ? h('p', { class: 'note' }, data['note']) : null,
  );
});
