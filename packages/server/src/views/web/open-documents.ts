/**
 * Open documents by age: the amount due in each bucket (current, 1–30, 31–60, 61–90, over 90
 * days) from the `aging` that `neonpanel_documents_list` and `neonpanel_payment_requests_list`
 * add to their results; a click on a bucket lists its documents, fetched through an app-only
 * tool (`neonpanel_view_documents_in_bucket` or `neonpanel_view_payments_in_bucket`).
 */
import type { Json } from './bridge.js';
import { formatMoney, formatNumber, h, put } from './dom.js';
import { callFromView, startView, type ViewState } from './shell.js';

export const DOCUMENTS_BUCKET_TOOL = 'neonpanel_view_documents_in_bucket';
export const PAYMENTS_BUCKET_TOOL = 'neonpanel_view_payments_in_bucket';

interface Bucket { bucket: string; label: string; count: number; amounts: Array<{ currency: string; amount: number }> }
interface Aging { as_of: string; basis: string; buckets: Bucket[] }
interface OpenItem { id: number; ref: string; date: string; party?: string; open_amount: number; currency?: string; age_days: number }

let selected: { bucket: string; items: OpenItem[]; note?: string } | undefined;
let shownFor: unknown;

async function drill(state: ViewState, data: Json, aging: Aging, bucket: string): Promise<void> {
  const company = (data['company'] as { uuid: string } | undefined)?.uuid;
  if (!company) return;
  const payments = Array.isArray(data['payment_requests']);
  const range = Object.fromEntries(['start_date', 'end_date'].filter((k) => typeof state.input[k] === 'string').map((k) => [k, state.input[k]]));
  const args: Json = { company, bucket, as_of: aging.as_of, ...range, ...(payments ? {} : { type: data['type'] }) };
  const answer = await callFromView(state, payments ? PAYMENTS_BUCKET_TOOL : DOCUMENTS_BUCKET_TOOL, args);
  if (!answer) return;
  selected = { bucket, items: (answer['items'] ?? []) as OpenItem[], ...(typeof answer['note'] === 'string' ? { note: answer['note'] } : {}) };
  state.refresh();
}

startView('neonpanel-open-documents', (root, state) => {
  const data = state.result!.structuredContent!;
  if (shownFor !== state.result) {
    shownFor = state.result;
    selected = undefined;
  }
  const aging = data['aging'] as Aging | undefined;
  const what = Array.isArray(data['payment_requests']) ? 'payment installments' : `${String(data['type'] ?? 'document').replace('_', ' ')}s`;
  put(root, h('h1', {}, 'Open documents by age'),
    h('p', { class: 'muted' }, [(data['company'] as { name?: string } | undefined)?.name, what, aging ? `as of ${aging.as_of}, by ${aging.basis.replace('_', ' ')}` : undefined].filter(Boolean).join(' · ')));
  if (!aging) {
    put(root, h('p', { class: 'muted' }, 'These documents carry no amounts to age.'));
    return;
  }
  const first = aging.buckets.flatMap((b) => b.amounts)[0]?.currency;
  const main = (b: Bucket) => b.amounts.find((a) => a.currency === first)?.amount ?? 0;
  const max = Math.max(1, ...aging.buckets.map(main));
  put(root, h('div', { class: 'buckets', role: 'group', 'aria-label': 'Age buckets' }, ...aging.buckets.map((b) => h('button', {
    class: 'bucket', type: 'button', 'data-bucket': b.bucket, 'data-count': b.count, 'aria-pressed': String(selected?.bucket === b.bucket),
    onclick: () => void drill(state, data, aging, b.bucket),
  },
  h('span', { class: 'label' }, b.label),
  h('span', { class: 'amount' }, b.amounts.length ? b.amounts.map((a) => formatMoney(a.amount, a.currency)).join(' + ') : formatMoney(0, first)),
  h('span', { class: 'meter', 'aria-hidden': 'true' }, h('span', { style: `width:${Math.round((main(b) / max) * 100)}%` })),
  h('span', { class: 'muted' }, `${formatNumber(b.count)} open`)))));
  if (selected) {
    const label = aging.buckets.find((b) => b.bucket === selected!.bucket)?.label ?? selected.bucket;
    put(root, h('h2', { class: 'muted', style: 'font-size:1em;margin:12px 0 4px' }, `${label}: ${selected.items.length} open`),
      selected.items.length === 0 ? h('p', { class: 'muted' }, 'Nothing open in this bucket.') : h('div', { class: 'scroll' }, h('table', { 'aria-label': `Open in ${label}` },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Reference'), h('th', { scope: 'col' }, 'Date'), h('th', { scope: 'col' }, 'From / for'),
          h('th', { class: 'num', scope: 'col' }, aging.basis === 'due_date' ? 'Days overdue' : 'Age (days)'), h('th', { class: 'num', scope: 'col' }, 'Open'))),
        h('tbody', {}, ...selected.items.map((i) => h('tr', { 'data-item': i.id },
          h('td', {}, i.ref), h('td', {}, i.date), h('td', {}, i.party ?? ''), h('td', { class: 'num' }, i.age_days > 0 ? formatNumber(i.age_days) : `due in ${formatNumber(-i.age_days)}`),
          h('td', { class: 'num' }, formatMoney(i.open_amount, i.currency))))))),
      selected.note ? h('p', { class: 'note' }, selected.note) : null);
  } else {
    put(root, h('p', { class: 'muted' }, 'Choose a bucket to list its documents.'));
  }
  if (typeof data['note'] === 'string') put(root, h('p', { class: 'note' }, data['note']));
  if (typeof data['next'] === 'string') put(root, h('p', { class: 'note' }, data['next']));
});
