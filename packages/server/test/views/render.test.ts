/**
 * The three views rendered in Debian's Chromium by a small MCP Apps host (harness.ts), from
 * real tool results: the server against the NeonPanel sandbox, the HTML as `resources/read`
 * serves it. In light and dark themes: the host's theme and style variables apply, the DOM
 * shows the rows, totals, bars and buckets the results hold, the view sizes itself, stays
 * usable at 360 px, makes no network request, and calls app-only tools through the bridge to
 * page and drill down. Screenshots go to test-artifacts/views/ (a CI artifact, not committed).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { launchChromium } from '../e2e-oauth/chromium.js';
import { startToolStack, type ToolStack } from '../tools/stack.js';
import { hostView, THEMES, type HostedView, type ThemeName } from './harness.js';

// Browser globals inside page.evaluate callbacks (they run in the view, not in Node).
declare const document: any;
declare const window: any;
declare const getComputedStyle: any;


const ARTIFACTS = resolve(dirname(fileURLToPath(import.meta.url)), '../../test-artifacts/views');
const ACME = 'Acme Outdoor Goods';

let stack: ToolStack;
let client: Client;
let browser: Browser;
const html = new Map<string, string>();
let appTools: string[];

beforeAll(async () => {
  stack = await startToolStack({ MCP_TOOLSETS: 'all' }, { importPolls: 0 });
  client = await stack.client(await stack.token());
  for (const r of (await client.listResources()).resources) {
    const content = (await client.readResource({ uri: r.uri })).contents[0] as { text: string };
    html.set(r.name, content.text);
  }
  appTools = (await client.listTools()).tools
    .filter((t) => { const v = (t._meta as { ui?: { visibility?: string[] } } | undefined)?.ui?.visibility; return !v || v.includes('app'); })
    .map((t) => t.name);
  browser = await launchChromium();
  await mkdir(ARTIFACTS, { recursive: true });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function result(name: string, args: Record<string, unknown>): Promise<Record<string, any>> {
  const r = await client.callTool({ name, arguments: args });
  expect(r.isError).toBeFalsy();
  return r as Record<string, any>;
}

async function open(view: string, theme: ThemeName, width = 640): Promise<HostedView> {
  return hostView(browser, {
    html: html.get(view)!,
    theme,
    width,
    appTools,
    callTool: async (params) => client.callTool({ name: params.name, arguments: params.arguments ?? {} }),
  });
}

/** What every view must do in every theme: follow the host, size itself, stay offline. */
async function expectHostFollowed(hosted: HostedView, theme: ThemeName): Promise<void> {
  const look = await hosted.view.evaluate(() => ({
    theme: document.documentElement.getAttribute('data-theme'),
    scheme: document.documentElement.style.colorScheme,
    background: getComputedStyle(document.body).backgroundColor,
    color: getComputedStyle(document.body).color,
    height: Math.ceil(document.documentElement.getBoundingClientRect().height),
  }));
  expect(look).toMatchObject({
    theme,
    scheme: theme,
    background: THEMES[theme].variables['--color-background-primary'],
    color: THEMES[theme].variables['--color-text-primary'],
  });
  const sizes = await hosted.sizes();
  expect(sizes.at(-1)?.height).toBe(look.height);
  expect(hosted.network).toEqual([]);
}

describe.each(['light', 'dark'] as const)('in the %s theme', (theme) => {
  it('inventory balances: a row, a bar and a total per item, sortable, and the next page through the app-only tool', async () => {
    const warehouses = (await result('neonpanel_warehouses_list', { company: ACME }))['structuredContent'].warehouses as Array<{ uuid: string; name: string }>;
    let args: Record<string, unknown> = {};
    let data: Record<string, any> = {};
    for (const w of warehouses) {
      args = { company: ACME, warehouse: w.name, per_page: 10 };
      data = (await result('neonpanel_warehouse_balances', args))['structuredContent'];
      if (data.pagination.has_more) break;
    }
    expect(data.pagination.has_more).toBe(true);
    const hosted = await open('inventory-balances', theme);
    try {
      await hosted.toolInput(args);
      await hosted.toolResult(await result('neonpanel_warehouse_balances', args));
      await hosted.view.waitForSelector('tr[data-row]');
      expect(await hosted.view.$$eval('thead th', (ths) => ths.map((t) => t.textContent))).toEqual(['Item', data.warehouse.name, 'Total']);
      const shown = await hosted.view.$$eval('tr[data-row]', (rows) => rows.map((r) => ({ id: r.getAttribute('data-row'), total: Number(r.querySelector('[data-total]')!.getAttribute('data-total')), bars: r.querySelectorAll('.bar').length })));
      const expected = (data.balances as Array<{ inventory: { id: number }; balance: number }>).map((b) => ({ id: String(b.inventory.id), total: b.balance, bars: 1 }));
      expect([...shown].sort((a, b) => a.id!.localeCompare(b.id!))).toEqual([...expected].sort((a, b) => a.id.localeCompare(b.id)));
      expect(shown.map((r) => r.total)).toEqual([...shown.map((r) => r.total)].sort((a, b) => b - a)); // default: total, descending
      expect(Number(await hosted.view.getAttribute('[data-grand-total]', 'data-grand-total'))).toBe(expected.reduce((s, r) => s + r.total, 0));
      // The largest quantity gets the longest bar.
      const widths = await hosted.view.$$eval('.bar .fill', (fills) => fills.map((f) => f.getBoundingClientRect().width));
      expect(widths[0]).toBe(Math.max(...widths));

      await hosted.view.click('button[data-sort="total"]');
      const ascending = await hosted.view.$$eval('tr[data-row] [data-total]', (cells) => cells.map((c) => Number(c.getAttribute('data-total'))));
      expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
      expect(await hosted.view.getAttribute('th:has(button[data-sort="total"])', 'aria-sort')).toBe('ascending');
      await hosted.page.locator('iframe').screenshot({ path: `${ARTIFACTS}/inventory-balances-${theme}.png` });

      await hosted.view.click('button[data-page="next"]');
      await hosted.view.waitForSelector('[data-page-number="2"]');
      const calls = await hosted.calls();
      expect(calls).toEqual([{ name: 'neonpanel_view_inventory_page', arguments: { company: data.company.uuid, page: 2, per_page: 10, date: data.balances_date, warehouse: data.warehouse.uuid, sort: 'total_asc' } }]);
      const page2 = (await result('neonpanel_view_inventory_page', calls[0]!.arguments))['structuredContent'];
      const rows2 = await hosted.view.$$eval('tr[data-row]', (rows) => rows.map((r) => r.getAttribute('data-row')).sort());
      expect(rows2).toEqual(page2.items.map((i: { id: number }) => String(i.id)).sort());
      expect(rows2.some((id) => !expected.some((e) => e.id === id))).toBe(true);
      await expectHostFollowed(hosted, theme);
    } finally {
      await hosted.close();
    }
  });

  it('revenue and COGS: two bars and a margin point per period, the same numbers in the table, one currency at a time', async () => {
    const args = { start_date: '2025-01-01', end_date: '2025-06-30', periodicity: 'monthly' };
    const r = await result('neonpanel_revenue_cogs', args);
    const rows = r['structuredContent'].rows as Array<{ start_date: string; currency: string; revenue_amount: number; cogs_amount: number }>;
    const currencies = [...new Set(rows.map((x) => x.currency))];
    expect(currencies.length).toBeGreaterThan(1);
    const hosted = await open('revenue-cogs', theme);
    try {
      await hosted.toolInput(args);
      await hosted.toolResult(r);
      await hosted.view.waitForSelector('svg rect.revenue');
      for (const currency of currencies) {
        if (currency !== currencies[0]) await hosted.view.click(`button[data-currency="${currency}"]`);
        await hosted.view.waitForSelector(`[data-currency-shown="${currency}"]`);
        const mine = rows.filter((x) => x.currency === currency);
        const periods = [...new Set(mine.map((x) => x.start_date))].sort();
        const chart = await hosted.view.evaluate(() => ({
          revenue: [...document.querySelectorAll('svg rect.revenue')].map((e) => e.getAttribute('data-period')),
          cogs: document.querySelectorAll('svg rect.cogs').length,
          points: document.querySelector('svg polyline.margin')?.getAttribute('points')?.split(' ').length,
          tableRows: [...document.querySelectorAll('tbody tr[data-period]')].map((e) => e.getAttribute('data-period')),
          revenueTotal: document.querySelector('[data-total="revenue"]')?.textContent,
        }));
        expect(chart).toMatchObject({ revenue: periods, cogs: periods.length, points: periods.length, tableRows: periods });
        const total = mine.reduce((s, x) => s + x.revenue_amount, 0);
        expect(chart.revenueTotal).toBe(new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(total));
        // Taller bars for larger amounts: the revenue bar of the best period is the tallest.
        const heights = await hosted.view.$$eval('svg rect.revenue', (bars) => bars.map((b) => Number(b.getAttribute('height'))));
        const byPeriod = periods.map((p) => mine.filter((x) => x.start_date === p).reduce((s, x) => s + x.revenue_amount, 0));
        expect(heights.indexOf(Math.max(...heights))).toBe(byPeriod.indexOf(Math.max(...byPeriod)));
      }
      await hosted.page.locator('iframe').screenshot({ path: `${ARTIFACTS}/revenue-cogs-${theme}.png` });
      await expectHostFollowed(hosted, theme);
    } finally {
      await hosted.close();
    }
  });

  it('open documents: amounts by age bucket, and a click lists the bucket through the app-only tool', async () => {
    const args = { company: ACME, as_of: '2025-03-01' };
    const r = await result('neonpanel_payment_requests_list', args);
    const aging = r['structuredContent'].aging as { buckets: Array<{ bucket: string; count: number; amounts: Array<{ amount: number }> }> };
    const hosted = await open('open-documents', theme);
    try {
      await hosted.toolInput(args);
      await hosted.toolResult(r);
      await hosted.view.waitForSelector('button[data-bucket]');
      const buckets = await hosted.view.$$eval('button[data-bucket]', (els) => els.map((e) => ({ bucket: e.getAttribute('data-bucket'), count: Number(e.getAttribute('data-count')), amount: e.querySelector('.amount')!.textContent })));
      expect(buckets).toEqual(aging.buckets.map((b) => ({
        bucket: b.bucket, count: b.count, amount: new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(b.amounts[0]?.amount ?? 0),
      })));
      const busy = aging.buckets.find((b) => b.count > 0)!;
      await hosted.view.click(`button[data-bucket="${busy.bucket}"]`);
      await hosted.view.waitForSelector('tr[data-item]');
      expect(await hosted.view.$$eval('tr[data-item]', (rows) => rows.length)).toBe(busy.count);
      expect(await hosted.view.getAttribute(`button[data-bucket="${busy.bucket}"]`, 'aria-pressed')).toBe('true');
      expect(await hosted.calls()).toEqual([{ name: 'neonpanel_view_payments_in_bucket', arguments: { company: r['structuredContent'].company.uuid, bucket: busy.bucket, as_of: '2025-03-01' } }]);
      await hosted.page.locator('iframe').screenshot({ path: `${ARTIFACTS}/open-documents-${theme}.png` });
      await expectHostFollowed(hosted, theme);
    } finally {
      await hosted.close();
    }
  });
});

describe('following the host after start', () => {
  it('switches theme on host-context-changed', async () => {
    const hosted = await open('open-documents', 'light');
    try {
      await hosted.toolResult(await result('neonpanel_payment_requests_list', { company: ACME, as_of: '2025-03-01' }));
      await hosted.hostContext({ theme: 'dark', styles: { variables: THEMES.dark.variables } });
      await hosted.view.waitForSelector('html[data-theme="dark"]');
      expect(await hosted.view.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(THEMES.dark.variables['--color-background-primary']);
      expect(hosted.network).toEqual([]);
    } finally {
      await hosted.close();
    }
  });
});

describe.each(['inventory-balances', 'revenue-cogs', 'open-documents'] as const)('%s at 360 px', (view) => {
  const calls: Record<typeof view, [string, Record<string, unknown>]> = {
    'inventory-balances': ['neonpanel_view_inventory_page', { company: ACME, per_page: 20 }],
    'revenue-cogs': ['neonpanel_analytics_revenue_summary', { start_date: '2025-01-01', end_date: '2025-12-31', breakdown: 'monthly' }],
    'open-documents': ['neonpanel_documents_list', { company: ACME, type: 'bill', as_of: '2025-04-15' }],
  };
  it('fits the width: only the tables scroll sideways, inside their own box', async () => {
    const hosted = await open(view, 'light', 360);
    try {
      const [name, args] = calls[view];
      const r = await result(name, args);
      await hosted.toolResult(r);
      await hosted.view.waitForSelector('h1');
      if (view === 'inventory-balances') {
        // The page tool's matrix: a bar for every item in every warehouse, the column total above them.
        const data = r['structuredContent'];
        expect(await hosted.view.$$eval('tr[data-row] .bar', (bars) => bars.length)).toBe(data.items.length * data.warehouses.length);
        expect(await hosted.view.$$eval('thead th', (ths) => ths.map((t) => t.textContent))).toEqual(['Item', ...data.warehouses.map((w: { name: string }) => w.name), 'Total']);
      }
      const fit = await hosted.view.evaluate(() => ({ page: document.documentElement.scrollWidth, viewport: window.innerWidth }));
      expect(fit.page).toBeLessThanOrEqual(fit.viewport);
      expect(fit.viewport).toBe(360);
      expect(hosted.network).toEqual([]);
    } finally {
      await hosted.close();
    }
  });
});
