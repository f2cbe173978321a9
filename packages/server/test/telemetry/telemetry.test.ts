/**
 * Metrics and traces over the real app on loopback (test issuer → MCP server → NeonPanel
 * sandbox), with in-memory exporters: each series moves as it should, a client's trace
 * continues to NeonPanel, and nothing exported ever holds a token, a subject or a company id.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { generateKeyPair } from 'jose';
import { ALICE, startToolStack, type ToolStack } from '../tools/stack.js';
import { claimsFor } from '../helpers/server.js';
import { recordingTelemetry, type RecordingTelemetry } from '../helpers/telemetry.js';
import { DEMO_COMPANIES } from '../../src/dev/demoUsers.js';
import { METRICS, LABELS, UNKNOWN_TOOL_LABEL } from '../../src/telemetry/vocabulary.js';
import { AUTH_FAILURE_REASONS } from '../../src/auth/errors.js';

let stack: ToolStack;
let rec: RecordingTelemetry;
let token: string;
/** Every bearer credential sent in this file, for the leak scan. */
const tokensUsed: string[] = [];

beforeAll(async () => {
  rec = recordingTelemetry();
  stack = await startToolStack({}, {}, { telemetry: rec.telemetry });
  token = await stack.token(ALICE);
  tokensUsed.push(token);
});
afterAll(async () => {
  await stack.close();
  await rec.telemetry.shutdown();
});

async function post(authorization: string | undefined, name: string, args: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<Response> {
  if (authorization?.startsWith('Bearer ')) tokensUsed.push(authorization.slice(7));
  return fetch(`${stack.server.base}/mcp/tools/call`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(authorization !== undefined ? { Authorization: authorization } : {}), ...headers },
    body: JSON.stringify({ name, arguments: args }),
  });
}

async function authFailuresByReason(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const reason of AUTH_FAILURE_REASONS) out[reason] = await rec.value(METRICS.authFailures, { [LABELS.reason]: reason });
  return out;
}

describe('auth failures by reason', () => {
  // Each case makes exactly one refusal, for the reason it names; its own series moves by one, no other.
  const cases: Array<{ reason: string; status: number; send: () => Promise<Response>; before?: () => void; after?: () => void }> = [
    {
      reason: 'verifier_unavailable',
      status: 503,
      before: () => stack.issuer.setDown(true),
      after: () => stack.issuer.setDown(false),
      send: async () => post(`Bearer ${await stack.issuer.sign(claimsFor(stack.server.base, { sub: 'user-down' }))}`, 'neonpanel_whoami'),
    },
    { reason: 'missing', status: 401, send: () => post(undefined, 'neonpanel_whoami') },
    { reason: 'malformed', status: 401, send: () => post('Bearer not a token', 'neonpanel_whoami') },
    {
      reason: 'expired',
      status: 401,
      send: async () => post(`Bearer ${await stack.issuer.sign(claimsFor(stack.server.base), { expiresIn: Math.floor(Date.now() / 1000) - 3600 })}`, 'neonpanel_whoami'),
    },
    {
      reason: 'wrong_issuer',
      status: 401,
      send: async () => post(`Bearer ${await stack.issuer.sign(claimsFor(stack.server.base, { iss: 'https://other-issuer.example' }))}`, 'neonpanel_whoami'),
    },
    {
      reason: 'wrong_audience',
      status: 401,
      send: async () => post(`Bearer ${await stack.issuer.sign(claimsFor(stack.server.base, { aud: 'https://other-resource.example' }))}`, 'neonpanel_whoami'),
    },
    {
      reason: 'bad_signature',
      status: 401,
      send: async () => {
        const { privateKey } = await generateKeyPair('RS256');
        return post(`Bearer ${await stack.issuer.sign(claimsFor(stack.server.base), { key: privateKey })}`, 'neonpanel_whoami');
      },
    },
    {
      reason: 'unknown_key',
      status: 401,
      send: async () => post(`Bearer ${await stack.issuer.sign(claimsFor(stack.server.base), { kid: 'no-such-key' })}`, 'neonpanel_whoami'),
    },
    {
      reason: 'insufficient_scope',
      status: 403,
      send: async () => post(`Bearer ${await stack.token(ALICE, ['read:companies'])}`, 'neonpanel_inventory_search', { company: 'Acme Outdoor Goods', query: 'x' }),
    },
  ];

  for (const c of cases) {
    it(`${c.reason}: answers ${c.status} and counts one ${c.reason}, nothing else`, async () => {
      const before = await authFailuresByReason();
      c.before?.();
      let response: Response;
      try {
        response = await c.send();
      } finally {
        c.after?.();
      }
      expect(response.status).toBe(c.status);
      const after = await authFailuresByReason();
      const moved = Object.fromEntries(Object.entries(after).filter(([reason, n]) => n !== before[reason]).map(([reason, n]) => [reason, n - (before[reason] ?? 0)]));
      expect(moved).toEqual({ [c.reason]: 1 });
    });
  }
});

describe('requests, tools and NeonPanel', () => {
  it('counts requests by route, era and status', async () => {
    const labels = { [LABELS.route]: '/mcp/tools/call', [LABELS.era]: 'rest', [LABELS.status]: 200 };
    const before = await rec.value(METRICS.requestDuration, labels);
    expect((await post(`Bearer ${token}`, 'neonpanel_companies_list')).status).toBe(200);
    expect(await rec.value(METRICS.requestDuration, labels)).toBe(before + 1);
  });

  it('an ok call, a tool error and an upstream 5xx each move their own tool series', async () => {
    const tool = (name: string, outcome: string) => rec.value(METRICS.toolDuration, { [LABELS.tool]: name, [LABELS.outcome]: outcome });
    const ok0 = await tool('neonpanel_companies_list', 'ok');
    const err0 = await tool('neonpanel_inventory_item_get', 'tool_error');
    const up0 = await tool('neonpanel_companies_list', 'upstream_5xx');

    expect((await post(`Bearer ${token}`, 'neonpanel_companies_list')).status).toBe(200);
    const invalid = await post(`Bearer ${token}`, 'neonpanel_inventory_item_get', {});
    expect((await invalid.json() as { isError: boolean }).isError).toBe(true);
    stack.sandbox.setFaults({ status: 500, count: 1 });
    const failed = await post(`Bearer ${token}`, 'neonpanel_companies_list');
    stack.sandbox.clearFaults();
    expect((await failed.json() as { isError: boolean }).isError).toBe(true);

    expect(await tool('neonpanel_companies_list', 'ok')).toBe(ok0 + 1);
    expect(await tool('neonpanel_inventory_item_get', 'tool_error')).toBe(err0 + 1);
    expect(await tool('neonpanel_companies_list', 'upstream_5xx')).toBe(up0 + 1);
    // The upstream series: by path template and status, never the concrete path.
    const upstream = (await rec.series()).filter((s) => s.name === METRICS.upstreamDuration);
    expect(upstream.some((s) => s.attributes[LABELS.status] === '500' && s.attributes[LABELS.upstreamOutcome] === 'server_error')).toBe(true);
    expect(upstream.some((s) => s.attributes[LABELS.status] === '200')).toBe(true);
    for (const s of upstream) expect(String(s.attributes[LABELS.operation])).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
  });

  it('a call to a tool the server does not offer is counted as `unknown`, never by the name the client sent', async () => {
    const sent = 'not_a_tool eyJhbGciOi secret';
    const before = await rec.value(METRICS.toolDuration, { [LABELS.tool]: UNKNOWN_TOOL_LABEL, [LABELS.outcome]: 'unknown_tool' });
    expect((await post(`Bearer ${token}`, sent)).status).toBe(404);
    expect(await rec.value(METRICS.toolDuration, { [LABELS.tool]: UNKNOWN_TOOL_LABEL, [LABELS.outcome]: 'unknown_tool' })).toBe(before + 1);
    expect(await rec.exportedText()).not.toContain('not_a_tool');
  });

  it('counts NeonPanel retries by operation', async () => {
    const before = await rec.value(METRICS.upstreamRetries);
    stack.sandbox.setFaults({ status: 503, count: 1 });
    const response = await post(`Bearer ${token}`, 'neonpanel_companies_list');
    stack.sandbox.clearFaults();
    expect(response.status).toBe(200);
    expect(await rec.value(METRICS.upstreamRetries)).toBe(before + 1);
  });

  it('reports open sessions and streams', async () => {
    const client = await stack.client(token);
    expect(await rec.value(METRICS.sessionsOpen)).toBeGreaterThanOrEqual(1);
    expect((await rec.series()).some((s) => s.name === METRICS.streamsOpen)).toBe(true);
    await client.close();
  });

  it('limit refusals and store errors are counted by limit and operation', async () => {
    const limit0 = await rec.value(METRICS.limitRefusals, { [LABELS.limit]: 'per_user_rate' });
    const store0 = await rec.value(METRICS.storeErrors, { [LABELS.storeOperation]: 'session_get' });
    rec.telemetry.recordLimitRefusal('per_user_rate');
    rec.telemetry.recordLimitRefusal('per_user_rate');
    rec.telemetry.recordStoreError('session_get');
    expect(await rec.value(METRICS.limitRefusals, { [LABELS.limit]: 'per_user_rate' })).toBe(limit0 + 2);
    expect(await rec.value(METRICS.storeErrors, { [LABELS.storeOperation]: 'session_get' })).toBe(store0 + 1);
  });
});

describe('trace context', () => {
  const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
  const CLIENT_SPAN = 'b7ad6b7169203331';

  it("a client's traceparent header continues through the tool call to the NeonPanel request", async () => {
    const seen = stack.sandbox.requests.length;
    const response = await post(`Bearer ${token}`, 'neonpanel_companies_list', {}, { traceparent: `00-${TRACE_ID}-${CLIENT_SPAN}-01` });
    expect(response.status).toBe(200);
    const upstream = stack.sandbox.requests.slice(seen);
    expect(upstream.length).toBeGreaterThan(0);
    const spans = rec.spans().filter((s) => s.spanContext().traceId === TRACE_ID);
    const server = spans.find((s) => s.name === 'POST /mcp/tools/call')!;
    const tool = spans.find((s) => s.name === 'tools/call neonpanel_companies_list')!;
    const client = spans.filter((s) => s.name.startsWith('NeonPanel GET'));
    expect(server.parentSpanContext?.spanId).toBe(CLIENT_SPAN);
    expect(tool.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    expect(client.length).toBe(upstream.length);
    for (const s of client) expect(s.parentSpanContext?.spanId).toBe(tool.spanContext().spanId);
    // What NeonPanel received names the client span of that very call.
    for (const r of upstream) {
      expect(r.traceparent).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));
      expect(client.map((s) => s.spanContext().spanId)).toContain(r.traceparent!.split('-')[2]);
    }
  });

  it("an unsampled client traceparent: no span is recorded, and NeonPanel still gets the client's trace id, unsampled", async () => {
    const UNSAMPLED_TRACE = '5bf92f3577b34da6a3ce929d0e0e4737';
    const seen = stack.sandbox.requests.length;
    const spansBefore = rec.spans().length;
    const response = await post(`Bearer ${token}`, 'neonpanel_companies_list', {}, { traceparent: `00-${UNSAMPLED_TRACE}-${CLIENT_SPAN}-00` });
    expect(response.status).toBe(200);
    const upstream = stack.sandbox.requests.slice(seen);
    expect(upstream.length).toBeGreaterThan(0);
    expect(rec.spans().slice(spansBefore).filter((s) => s.spanContext().traceId === UNSAMPLED_TRACE)).toEqual([]);
    for (const r of upstream) {
      expect(r.traceparent).toMatch(new RegExp(`^00-${UNSAMPLED_TRACE}-[0-9a-f]{16}-00$`));
      // No span of ours is made under an unsampled parent, so NeonPanel's parent is the client's span.
      expect(r.traceparent!.split('-')[2]).toBe(CLIENT_SPAN);
    }
    // The tool's metrics do not depend on sampling.
    expect(await rec.value(METRICS.toolDuration, { [LABELS.tool]: 'neonpanel_companies_list', [LABELS.outcome]: 'ok' })).toBeGreaterThanOrEqual(1);
  });

  /** A 2026-07-28 `tools/call` of `neonpanel_companies_list`, with `_meta` trace context and any extra headers. */
  function modernToolCall(traceparent: string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${stack.server.base}/mcp`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream',
        'MCP-Protocol-Version': '2026-07-28',
        'Mcp-Method': 'tools/call',
        'Mcp-Name': 'neonpanel_companies_list',
        ...headers,
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: {
          name: 'neonpanel_companies_list',
          arguments: {},
          _meta: {
            'io.modelcontextprotocol/protocolVersion': '2026-07-28',
            'io.modelcontextprotocol/clientCapabilities': {},
            'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' },
            traceparent,
          },
        },
      }),
    });
  }

  it('the 2026-07-28 _meta traceparent (SEP-414) parents the tool call and reaches NeonPanel', async () => {
    const metaTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const metaSpan = '00f067aa0ba902b7';
    const seen = stack.sandbox.requests.length;
    const response = await modernToolCall(`00-${metaTrace}-${metaSpan}-01`);
    expect(response.status).toBe(200);
    const tool = rec.spans().find((s) => s.name === 'tools/call neonpanel_companies_list' && s.spanContext().traceId === metaTrace)!;
    expect(tool.parentSpanContext?.spanId).toBe(metaSpan);
    const upstream = stack.sandbox.requests.slice(seen);
    expect(upstream.length).toBeGreaterThan(0);
    for (const r of upstream) expect(r.traceparent).toMatch(new RegExp(`^00-${metaTrace}-[0-9a-f]{16}-01$`));
    // The request metric names the era the client declared.
    expect(await rec.value(METRICS.requestDuration, { [LABELS.route]: '/mcp', [LABELS.era]: 'modern', [LABELS.status]: 200 })).toBeGreaterThanOrEqual(1);
  });

  it('_meta trace context wins over the traceparent header of the same POST', async () => {
    const headerTrace = '6df92f3577b34da6a3ce929d0e0e4738';
    const metaTrace = '7ef92f3577b34da6a3ce929d0e0e4739';
    const metaSpan = '00f067aa0ba902b9';
    const seen = stack.sandbox.requests.length;
    const response = await modernToolCall(`00-${metaTrace}-${metaSpan}-01`, { traceparent: `00-${headerTrace}-${CLIENT_SPAN}-01` });
    expect(response.status).toBe(200);
    // The HTTP request's own span still continues the header...
    const server = rec.spans().find((s) => s.name === 'POST /mcp' && s.spanContext().traceId === headerTrace)!;
    expect(server.parentSpanContext?.spanId).toBe(CLIENT_SPAN);
    // ...but the tool call, and what NeonPanel sees, follow `_meta`.
    const tool = rec.spans().find((s) => s.name === 'tools/call neonpanel_companies_list' && s.spanContext().traceId === metaTrace)!;
    expect(tool.parentSpanContext?.spanId).toBe(metaSpan);
    expect(rec.spans().some((s) => s.name.startsWith('tools/call') && s.spanContext().traceId === headerTrace)).toBe(false);
    const upstream = stack.sandbox.requests.slice(seen);
    expect(upstream.length).toBeGreaterThan(0);
    for (const r of upstream) expect(r.traceparent).toMatch(new RegExp(`^00-${metaTrace}-[0-9a-f]{16}-01$`));
  });

  // Without `_meta`, the HTTP request's span (continuing the header) parents the tool call, on
  // every transport: Streamable HTTP (legacy era) and the deprecated HTTP+SSE `/messages`.
  for (const transport of ['streamable', 'sse'] as const) {
    const route = transport === 'streamable' ? 'POST /mcp' : 'POST /messages';
    it(`${transport}: the traceparent header of the POST parents the tool call (${route}) and reaches NeonPanel`, async () => {
      const headerTrace = transport === 'streamable' ? '8af92f3577b34da6a3ce929d0e0e4730' : '9bf92f3577b34da6a3ce929d0e0e4731';
      const requestInit = { headers: { Authorization: `Bearer ${token}`, traceparent: `00-${headerTrace}-${CLIENT_SPAN}-01` } };
      const client = new Client({ name: 'trace-tests', version: '1.0.0' });
      await client.connect(transport === 'sse'
        ? new SSEClientTransport(new URL(`${stack.server.base}/sse`), { requestInit })
        : new StreamableHTTPClientTransport(new URL(`${stack.server.base}/mcp`), { requestInit }));
      try {
        const seen = stack.sandbox.requests.length;
        const result = await client.callTool({ name: 'neonpanel_companies_list', arguments: {} });
        expect(result.isError).not.toBe(true);
        const tool = rec.spans().find((s) => s.name === 'tools/call neonpanel_companies_list' && s.spanContext().traceId === headerTrace)!;
        expect(tool).toBeDefined();
        const parent = rec.spans().find((s) => s.spanContext().spanId === tool.parentSpanContext?.spanId)!;
        expect(parent.name).toBe(route);
        expect(parent.parentSpanContext?.spanId).toBe(CLIENT_SPAN);
        const upstream = stack.sandbox.requests.slice(seen);
        expect(upstream.length).toBeGreaterThan(0);
        const upstreamSpans = rec.spans().filter((s) => s.name.startsWith('NeonPanel GET') && s.parentSpanContext?.spanId === tool.spanContext().spanId);
        expect(upstreamSpans.length).toBe(upstream.length);
        for (const r of upstream) expect(r.traceparent).toMatch(new RegExp(`^00-${headerTrace}-[0-9a-f]{16}-01$`));
      } finally {
        await client.close();
      }
    });
  }

  it('the legacy era carries _meta trace context too (SDK 1.x client)', async () => {
    const metaTrace = '5cf92f3577b34da6a3ce929d0e0e4737';
    const client = await stack.client(token);
    const seen = stack.sandbox.requests.length;
    await client.callTool({ name: 'neonpanel_companies_list', arguments: {}, _meta: { traceparent: `00-${metaTrace}-00f067aa0ba902b8-01` } });
    const upstream = stack.sandbox.requests.slice(seen);
    expect(upstream.length).toBeGreaterThan(0);
    for (const r of upstream) expect(r.traceparent).toMatch(new RegExp(`^00-${metaTrace}-`));
    await client.close();
  });
});

describe('no secrets or identities in exported data', () => {
  it('no token, Authorization header, subject or company id appears in any label or span attribute', async () => {
    // Make sure there is plenty to scan: a call that names a company by id and by name.
    await post(`Bearer ${token}`, 'neonpanel_inventory_search', { company: DEMO_COMPANIES[0]!.uuid, query: 'tent' });
    const text = await rec.exportedText();
    expect(text.length).toBeGreaterThan(1000);
    expect(tokensUsed.length).toBeGreaterThan(8);
    for (const t of tokensUsed) {
      expect(text).not.toContain(t);
      // A JWT's parts are long enough to be recognisable on their own.
      for (const part of t.split('.')) if (part.length > 16) expect(text).not.toContain(part);
    }
    expect(text.toLowerCase()).not.toContain('bearer');
    expect(text.toLowerCase()).not.toContain('authorization');
    expect(text).not.toContain(ALICE.subject);
    for (const company of DEMO_COMPANIES) {
      expect(text).not.toContain(company.uuid);
      expect(text).not.toContain(company.name);
    }
  });
});
