/**
 * Inventory balances: one row per item, a bar per warehouse (units on hand: the contract
 * gives no inbound or reserved figures), a total column, sortable columns, and paging through
 * the app-only tool `neonpanel_view_inventory_page`.
 *
 * It reads three shapes: the page tool's matrix, `neonpanel_warehouse_balances` (one
 * warehouse, many items) and `neonpanel_inventory_item_balances` (one item, many warehouses).
 */
import type { Json } from './bridge.js';
import { formatNumber, h, put } from './dom.js';
import { callFromView, startView, type ViewState } from './shell.js';

export const PAGE_TOOL = 'neonpanel_view_inventory_page';

interface Warehouse { uuid: string; name: string }
interface Row { id: string; sku: string; name: string; quantities: Record<string, number>; total: number }
interface Matrix {
  company?: { uuid: string; name: string };
  date?: string;
  warehouses: Warehouse[];
  rows: Row[];
  pagination?: { page: number; per_page: number; last_page: number; has_more: boolean };
  note?: string;
  /** Set when the rows come from one warehouse's list; paging keeps to it. */
  warehouse?: string;
}

const str = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

function toMatrix(data: Json): Matrix {
  const base = {
    ...(data['company'] ? { company: data['company'] as Matrix['company'] & object } : {}),
    ...(typeof data['balances_date'] === 'string' ? { date: data['balances_date'] } : {}),
    ...(data['pagination'] ? { pagination: data['pagination'] as NonNullable<Matrix['pagination']> } : {}),
    ...(typeof data['note'] === 'string' ? { note: data['note'] } : {}),
  };
  const balances = Array.isArray(data['balances']) ? (data['balances'] as Json[]) : [];
  if (Array.isArray(data['items']) && Array.isArray(data['warehouses'])) {
    return {
      ...base,
      warehouses: data['warehouses'] as Warehouse[],
      rows: (data['items'] as Json[]).map((i) => ({ id: str(i['id']), sku: str(i['sku']), name: str(i['name']), quantities: (i['quantities'] ?? {}) as Record<string, number>, total: num(i['total']) })),
      ...(typeof data['warehouse'] === 'string' ? { warehouse: data['warehouse'] } : {}),
    };
  }
  if (data['warehouse']) {
    const w = data['warehouse'] as Warehouse;
    return {
      ...base,
      warehouse: w.uuid,
      warehouses: [w],
      rows: balances.map((b) => {
        const item = (b['inventory'] ?? {}) as Json;
        return { id: str(item['id']), sku: str(item['sku']), name: str(item['name']), quantities: { [w.uuid]: num(b['balance']) }, total: num(b['balance']) };
      }),
    };
  }
  const item = (data['item'] ?? {}) as Json;
  const warehouses = balances.map((b, i) => {
    const w = (b['warehouse'] ?? {}) as Json;
    return { uuid: str(w['uuid']) || `w${i}`, name: str(w['name']) || `Warehouse ${i + 1}` };
  });
  const quantities = Object.fromEntries(balances.map((b, i) => [warehouses[i]!.uuid, num(b['balance'])]));
  return {
    ...base,
    warehouses,
    rows: [{ id: str(item['id']), sku: str(item['sku']), name: str(item['name']), quantities, total: num(data['total_units']) }],
  };
}

type SortKey = 'item' | 'total' | string;
let sort: { key: SortKey; dir: 1 | -1 } = { key: 'total', dir: -1 };
let override: Matrix | undefined;
let shownFor: unknown;

function sorted(rows: Row[]): Row[] {
  const value = (r: Row): string | number => (sort.key === 'item' ? (r.sku || r.name).toLowerCase() : sort.key === 'total' ? r.total : (r.quantities[sort.key] ?? 0));
  return [...rows].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    return (x < y ? -1 : x > y ? 1 : 0) * sort.dir;
  });
}

function header(key: SortKey, label: string, numeric: boolean, state: ViewState, matrix: Matrix): HTMLTableCellElement {
  const current = sort.key === key ? (sort.dir === 1 ? 'ascending' : 'descending') : undefined;
  return h('th', { class: numeric ? 'num' : undefined, 'aria-sort': current ?? 'none', scope: 'col' },
    h('button', {
      type: 'button',
      'data-sort': key,
      onclick: () => {
        sort = { key, dir: sort.key === key ? (sort.dir === 1 ? -1 : 1) : numeric ? -1 : 1 };
        draw(document.getElementById('app')!, state, matrix);
      },
    }, label));
}

function draw(root: HTMLElement, state: ViewState, m: Matrix): void {
  root.replaceChildren();
  const max = Math.max(1, ...m.rows.flatMap((r) => Object.values(r.quantities)));
  const table = h('table', { 'aria-label': 'Units on hand by item and warehouse' },
    h('thead', {}, h('tr', {},
      header('item', 'Item', false, state, m),
      ...m.warehouses.map((w) => header(w.uuid, w.name, true, state, m)),
      header('total', 'Total', true, state, m))),
    h('tbody', {}, ...sorted(m.rows).map((r) => h('tr', { 'data-row': r.id },
      h('td', {}, h('strong', {}, r.sku || `#${r.id}`), r.name ? h('div', { class: 'muted' }, r.name) : null),
      ...m.warehouses.map((w) => {
        const q = r.quantities[w.uuid] ?? 0;
        return h('td', { class: 'num' }, h('div', { class: 'bar', 'data-warehouse': w.uuid, 'data-qty': q },
          h('span', { class: 'fill', style: `width:${Math.round((Math.max(q, 0) / max) * 80)}px`, 'aria-hidden': 'true' }),
          h('span', { class: 'qty' }, formatNumber(q))));
      }),
      h('td', { class: 'num', 'data-total': r.total }, formatNumber(r.total))))),
    h('tfoot', {}, h('tr', {},
      h('td', {}, m.pagination ? 'Total on this page' : 'Total'),
      ...m.warehouses.map((w) => h('td', { class: 'num' }, formatNumber(m.rows.reduce((s, r) => s + (r.quantities[w.uuid] ?? 0), 0)))),
      h('td', { class: 'num', 'data-grand-total': m.rows.reduce((s, r) => s + r.total, 0) }, formatNumber(m.rows.reduce((s, r) => s + r.total, 0))))));

  const page = m.pagination;
  const go = async (to: number) => {
    if (!m.company || !page) return;
    const args: Json = { company: m.company.uuid, page: to, per_page: page.per_page };
    if (m.date) args['date'] = m.date;
    if (m.warehouse) args['warehouse'] = m.warehouse;
    // The next page follows the order on screen where the server can sort that way.
    const serverSort = sort.key === 'total' ? (sort.dir === 1 ? 'total_asc' : 'total_desc') : sort.key === 'item' ? 'sku' : undefined;
    if (serverSort) args['sort'] = serverSort;
    const next = await callFromView(state, PAGE_TOOL, args);
    if (next) {
      override = toMatrix(next);
      draw(root, state, override);
    }
  };
  put(root, 
    h('h1', {}, 'Inventory balances'),
    h('p', { class: 'muted' }, [m.company?.name, m.date ? `as of ${m.date}` : undefined, 'units on hand'].filter(Boolean).join(' · ')),
    m.rows.length === 0 ? h('p', { class: 'muted' }, 'No items.') : h('div', { class: 'scroll' }, table),
    page ? h('div', { class: 'toolbar' },
      h('button', { class: 'action', type: 'button', 'data-page': 'previous', disabled: page.page <= 1, onclick: () => void go(page.page - 1) }, 'Previous'),
      h('span', { class: 'muted', 'data-page-number': page.page }, `Page ${page.page} of ${page.last_page}`),
      h('button', { class: 'action', type: 'button', 'data-page': 'next', disabled: !page.has_more, onclick: () => void go(page.page + 1) }, 'Next')) : null,
    m.note ? h('p', { class: 'note' }, m.note) : null,
  );
}

startView('neonpanel-inventory-balances', (root, state) => {
  // A new tool result replaces whatever page the user had moved to.
  if (shownFor !== state.result) {
    shownFor = state.result;
    override = undefined;
  }
  draw(root, state, override ?? toMatrix(state.result!.structuredContent!));
});
