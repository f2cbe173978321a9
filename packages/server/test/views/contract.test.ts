/**
 * MCP Apps contract, in both eras, with the SDKs' own clients (v2: 2026-07-28; 1.x: a
 * 2025-11-25 session) against the server against the NeonPanel sandbox: the extension is
 * declared, the three views are listed and read with the right MIME type and `_meta.ui`,
 * every linked tool's `resourceUri` resolves, app-only tools say so and still need their
 * scope, and no view names a network scheme.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { Client as LegacyClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as LegacyTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { DEFAULT_SCOPES } from '../../src/config.js';
import { ALL_TOOLS } from '../../src/tools/registry.js';
import { EXTENSION_ID, RESOURCE_MIME_TYPE, RESOURCE_URI_META_KEY, registerAppTool } from '@modelcontextprotocol/ext-apps/server';
import { UI_EXTENSION_ID, VIEW_IDS, VIEW_MIME_TYPE } from '../../src/views/catalogue.js';
import { LEGACY_RESOURCE_URI_KEY, withViewMeta } from '../../src/mcp/uiResources.js';
import type { ViewResources } from '../../src/views/resources.js';
import { ALICE, startToolStack, type ToolStack } from '../tools/stack.js';
import { VIEW_TOOL_NAMES } from '../tools/toolGroups.js';

const UI = 'io.modelcontextprotocol/ui';
const MIME = 'text/html;profile=mcp-app';
const EMPTY_CSP = { connectDomains: [], resourceDomains: [], frameDomains: [], baseUriDomains: [] };
/** The tools issue 28 links to a view, by view. */
const LINKED = {
  'inventory-balances': ['neonpanel_inventory_item_balances', 'neonpanel_warehouse_balances', 'neonpanel_view_inventory_page'],
  'revenue-cogs': ['neonpanel_revenue_cogs', 'neonpanel_analytics_revenue_summary'],
  'open-documents': ['neonpanel_documents_list', 'neonpanel_payment_requests_list', 'neonpanel_view_documents_in_bucket', 'neonpanel_view_payments_in_bucket'],
} as const;

/** What both SDK clients offer, as far as these tests use them. */
interface AnyClient {
  getServerCapabilities(): { extensions?: Record<string, unknown>; resources?: unknown } | undefined;
  listResources(): Promise<{ resources: Array<Record<string, any>> }>;
  readResource(params: { uri: string }): Promise<{ contents: Array<Record<string, any>> }>;
  listTools(): Promise<{ tools: Array<Record<string, any>> }>;
  callTool(params: { name: string; arguments: Record<string, unknown> }): Promise<Record<string, any>>;
  close(): Promise<void>;
}

let stack: ToolStack;
const ajv = new Ajv2020({ strict: false });

async function connect(era: 'v2' | '1.x', token: string): Promise<AnyClient> {
  const url = new URL(`${stack.server.base}/mcp`);
  const requestInit = { headers: { Authorization: `Bearer ${token}` } };
  if (era === 'v2') {
    const client = new Client({ name: 'views-v2', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
    await client.connect(new StreamableHTTPClientTransport(url, { requestInit }));
    expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
    return client as unknown as AnyClient;
  }
  const client = new LegacyClient({ name: 'views-1x', version: '1.0.0' });
  await client.connect(new LegacyTransport(url, { requestInit }));
  return client as unknown as AnyClient;
}

beforeAll(async () => {
  stack = await startToolStack({ MCP_TOOLSETS: 'all' }, { importPolls: 0 });
});
afterAll(async () => {
  await stack.close();
});

describe.each(['v2', '1.x'] as const)('MCP Apps with the %s client', (era) => {
  let client: AnyClient;
  let resources: Array<Record<string, any>>;
  let tools: Array<Record<string, any>>;
  beforeAll(async () => {
    client = await connect(era, await stack.token());
    resources = (await client.listResources()).resources;
    tools = (await client.listTools()).tools;
  });
  afterAll(async () => {
    await client.close();
  });

  it('declares the io.modelcontextprotocol/ui extension and resources', () => {
    const capabilities = client.getServerCapabilities();
    expect(capabilities?.extensions?.[UI]).toEqual({ mimeTypes: [MIME] });
    expect(capabilities?.resources).toBeDefined();
  });

  it('lists the three views as ui:// resources with the MCP Apps MIME type and an explicit empty CSP', () => {
    expect(resources.map((r) => r['name']).sort()).toEqual([...VIEW_IDS].sort());
    for (const r of resources) {
      expect(r['uri']).toMatch(new RegExp(`^ui://neonpanel/${r['name']}-[0-9a-f]{12}\\.html$`));
      expect(r['mimeType']).toBe(MIME);
      expect(r['_meta']).toEqual({ ui: { csp: EMPTY_CSP, prefersBorder: true } });
      expect(typeof r['title']).toBe('string');
    }
  });

  it('reads each view: one HTML document, its _meta.ui, no http: or https: anywhere, within 150 KB', async () => {
    for (const r of resources) {
      const { contents } = await client.readResource({ uri: r['uri'] });
      expect(contents).toHaveLength(1);
      const [content] = contents;
      expect(content!['uri']).toBe(r['uri']);
      expect(content!['mimeType']).toBe(MIME);
      expect(content!['_meta']).toEqual({ ui: { csp: EMPTY_CSP, prefersBorder: true } });
      const html = content!['text'] as string;
      expect(html).toMatch(/^<!doctype html>/i);
      expect(html).not.toMatch(/https?:/i);
      expect(Buffer.byteLength(html)).toBeLessThanOrEqual(150 * 1024);
    }
  });

  it('answers a resource that is not there with -32602 naming the URI', async () => {
    const uri = 'ui://neonpanel/inventory-balances-000000000000.html';
    const error = await client.readResource({ uri }).then(() => undefined, (e: { code?: number; data?: { uri?: string } }) => e);
    expect(error?.code).toBe(-32602);
    expect(error?.data?.uri).toBe(uri);
  });

  it("links exactly issue 28's tools, each _meta.ui.resourceUri (and the legacy key) naming a listed view", () => {
    const byUri = new Map(resources.map((r) => [r['uri'] as string, r['name'] as string]));
    const linked = tools.filter((t) => t['_meta']?.ui?.resourceUri !== undefined);
    const actual = Object.fromEntries(VIEW_IDS.map((id) => [id, linked.filter((t) => byUri.get(t['_meta'].ui.resourceUri) === id).map((t) => t['name']).sort()]));
    expect(actual).toEqual(Object.fromEntries(Object.entries(LINKED).map(([id, names]) => [id, [...names].sort()])));
    for (const t of linked) {
      expect(byUri.has(t['_meta'].ui.resourceUri)).toBe(true);
      expect(t['_meta']['ui/resourceUri']).toBe(t['_meta'].ui.resourceUri);
      expect(t['ui']).toBeUndefined();
    }
  });

  it('marks the app-only tools visibility ["app"] and leaves the linked model tools visible to the model', () => {
    const appOnly = tools.filter((t) => JSON.stringify(t['_meta']?.ui?.visibility) === '["app"]').map((t) => t['name']).sort();
    expect(appOnly).toEqual(VIEW_TOOL_NAMES);
    for (const t of tools.filter((x) => x['_meta']?.ui && !appOnly.includes(x['name']))) expect(t['_meta'].ui.visibility).toBeUndefined();
  });

  it('refuses an app-only tool to a caller without its scope', async () => {
    const scopes = DEFAULT_SCOPES.filter((s) => s !== 'read:warehouses');
    const narrow = await connect(era, await stack.token(ALICE, scopes));
    try {
      const outcome = await narrow.callTool({ name: 'neonpanel_view_inventory_page', arguments: { company: 'Acme Outdoor Goods' } }).then(
        (result) => ({ result }),
        (error: Error) => ({ error }),
      );
      const refusal = 'error' in outcome ? outcome.error.message : JSON.stringify(outcome.result);
      expect(refusal).toMatch(/insufficient.scope/i);
      expect(refusal).toContain('read:warehouses');
      expect('result' in outcome && outcome.result['structuredContent']).toBeFalsy();
    } finally {
      await narrow.close();
    }
  });
});

describe('the same fields as the ext-apps server helpers', () => {
  it('uses the SDK\'s extension id, MIME type and legacy key', () => {
    expect([UI_EXTENSION_ID, VIEW_MIME_TYPE, LEGACY_RESOURCE_URI_KEY]).toEqual([EXTENSION_ID, RESOURCE_MIME_TYPE, RESOURCE_URI_META_KEY]);
  });

  it('writes a linked tool\'s _meta as registerAppTool does, keeping the other _meta', () => {
    const uri = 'ui://neonpanel/open-documents-0123456789ab.html';
    const views = { uriOf: () => uri } as unknown as ViewResources;
    let written: Record<string, unknown> | undefined;
    registerAppTool({ registerTool: ((_name: string, config: { _meta: Record<string, unknown> }) => { written = config._meta; }) as never }, 't', {
      _meta: { securitySchemes: [], ui: { resourceUri: uri, visibility: ['app'] } },
    }, (() => ({ content: [] })) as never);
    const ours = withViewMeta({ name: 't', _meta: { securitySchemes: [] }, ui: { view: 'open-documents' } }, { ui: { view: 'open-documents', visibility: ['app'] } } as never, views);
    expect(ours['_meta']).toEqual(written);
    expect(ours['ui']).toBeUndefined();
  });
});

describe('2026-07-28 server/discover', () => {
  it('declares the extension in server/discover, read raw', async () => {
    const response = await fetch(`${stack.server.base}/mcp`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', Authorization: `Bearer ${await stack.token()}`,
        'MCP-Protocol-Version': '2026-07-28', 'Mcp-Method': 'server/discover',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'server/discover', params: { _meta: {
        'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {}, 'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' },
      } } }),
    });
    const body = (await response.json()) as { result: { capabilities: { extensions?: Record<string, unknown> } } };
    expect(body.result.capabilities.extensions?.[UI]).toEqual({ mimeTypes: [MIME] });
  });

});

describe('the views\' tools against the sandbox', () => {
  let client: AnyClient;
  let schemas: Map<string, object>;
  beforeAll(async () => {
    client = await connect('v2', await stack.token());
    schemas = new Map((await client.listTools()).tools.map((t) => [t['name'] as string, t['outputSchema'] as object]));
  });
  afterAll(async () => {
    await client.close();
  });

  async function call(name: string, args: Record<string, unknown>): Promise<Record<string, any>> {
    const result = await client.callTool({ name, arguments: args });
    expect(result['isError']).toBeFalsy();
    const validate = ajv.compile(schemas.get(name)!);
    expect(validate(result['structuredContent']) ? [] : validate.errors).toEqual([]);
    return result;
  }

  it('pages the inventory matrix: every row on one page, new rows on the next, sorted on the server', async () => {
    const first = (await call('neonpanel_view_inventory_page', { company: 'Acme Outdoor Goods', per_page: 10 }))['structuredContent'];
    const second = (await call('neonpanel_view_inventory_page', { company: 'Acme Outdoor Goods', per_page: 10, page: 2, sort: 'sku' }))['structuredContent'];
    expect(first.warehouses.length).toBeGreaterThan(1);
    expect(first.pagination).toMatchObject({ page: 1, has_more: true });
    for (const row of first.items) expect(row.total).toBe(Object.values(row.quantities as Record<string, number>).reduce((a, b) => a + b, 0));
    expect(first.items.map((r: { total: number }) => r.total)).toEqual([...first.items.map((r: { total: number }) => r.total)].sort((a, b) => b - a));
    expect(second.items.map((r: { sku: string }) => r.sku)).toEqual([...second.items.map((r: { sku: string }) => r.sku)].sort());
    const seen = new Set(first.items.map((r: { id: number }) => r.id));
    expect(second.items.some((r: { id: number }) => !seen.has(r.id))).toBe(true);
  });

  it('ages payment installments by due date and drills into one bucket', async () => {
    const listed = await call('neonpanel_payment_requests_list', { company: 'Acme Outdoor Goods', as_of: '2025-03-01' });
    const aging = listed['structuredContent'].aging;
    expect(aging.buckets.map((b: { bucket: string }) => b.bucket)).toEqual(['current', '1_30', '31_60', '61_90', 'over_90']);
    const busy = aging.buckets.find((b: { count: number }) => b.count > 0);
    const drilled = (await call('neonpanel_view_payments_in_bucket', { company: 'Acme Outdoor Goods', bucket: busy.bucket, as_of: '2025-03-01' }))['structuredContent'];
    expect(drilled.items).toHaveLength(busy.count);
    expect(drilled.items.reduce((s: number, i: { open_amount: number }) => s + i.open_amount, 0)).toBeCloseTo(busy.amounts[0].amount, 2);
    expect(listed['content'][0].text).toMatch(/^\d+ installments of Acme Outdoor Goods, \d+ open as of 2025-03-01/);
  });

  it('ages bills by document date and drills into one bucket', async () => {
    const listed = (await call('neonpanel_documents_list', { company: 'Acme Outdoor Goods', type: 'bill', as_of: '2025-04-15' }))['structuredContent'];
    const busy = listed.aging.buckets.find((b: { count: number }) => b.count > 0);
    const drilled = (await call('neonpanel_view_documents_in_bucket', { company: 'Acme Outdoor Goods', type: 'bill', bucket: busy.bucket, as_of: '2025-04-15' }))['structuredContent'];
    expect(drilled.items.map((i: { bucket: string }) => i.bucket)).toEqual(Array(busy.count).fill(busy.bucket));
  });

  it('keeps linked results to 50 rows with a note on narrowing, and a text summary first', async () => {
    const result = await call('neonpanel_revenue_cogs', { start_date: '2023-01-01', end_date: '2025-06-30', grouping: ['company', 'country'], periodicity: 'monthly' });
    const data = result['structuredContent'];
    expect(data.rows).toHaveLength(50);
    expect(data.note).toMatch(/^Showing 50 of \d+ rows\. .*Narrow/);
    expect(result['content'][0].text).toMatch(/^Revenue and COGS 2023-01-01 to 2025-06-30 \(\d+ rows\): USD: revenue/);
  });

  it('every app-only tool is in the registry with a read scope', () => {
    for (const name of VIEW_TOOL_NAMES) expect(ALL_TOOLS.find((t) => t.name === name)?.scope).toMatch(/^read:/);
  });

  it('sent NeonPanel nothing its contract forbids', () => {
    expect(stack.sandbox.specViolations().map((r) => `${r.method} ${r.path}: ${r.specErrors.join('; ')}`)).toEqual([]);
  });
});
