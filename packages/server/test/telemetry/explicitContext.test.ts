/**
 * The trace context is passed explicitly (telemetry.ts says why): no global context manager
 * is installed, each span starts under the parent it is given, `_meta` trace context wins over
 * the HTTP request's, and with telemetry off the dispatcher passes CallMeta on untouched.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { context, ROOT_CONTEXT, trace, createContextKey, type Context } from '@opentelemetry/api';
import { recordingTelemetry } from '../helpers/telemetry.js';
import { Dispatcher, type CallMeta, type ResponseSink } from '../../src/mcp/dispatcher.js';
import type { TraceParent } from '../../src/neonpanel/types.js';
import type { JSONRPCMessage, JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';

const rec = recordingTelemetry();
afterAll(() => rec.telemetry.shutdown());

const HEADER_TRACE = '0af7651916cd43dd8448eb211c80319c';
const META_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const META_SPAN = '00f067aa0ba902b7';

/** A request observed as the HTTP middleware does, continuing a client's `traceparent`. */
function httpRequestTrace(): TraceParent {
  const observation = rec.telemetry.startRequest('POST', '/mcp', { traceparent: `00-${HEADER_TRACE}-b7ad6b7169203331-01` }, true);
  observation.end(200, 'legacy');
  return observation.context;
}

const spanNamed = (name: string) => rec.spans().filter((s) => s.name === name).at(-1)!;
/** Only tests look inside the opaque value: it is an OpenTelemetry Context. */
const spanContextOf = (parent: TraceParent | undefined) => trace.getSpanContext(parent as unknown as Context);

describe('no ambient context', () => {
  it('creating telemetry installs no global context manager', () => {
    const key = createContextKey('probe');
    // With a real manager installed, `with` would make the given context the active one.
    const active = context.with(ROOT_CONTEXT.setValue(key, 'set'), () => context.active());
    expect(active.getValue(key)).toBeUndefined();
    expect(active).toBe(ROOT_CONTEXT);
  });
});

describe('explicit parents', () => {
  it('a tool span starts under the parent it is given, and its NeonPanel span under the tool span', async () => {
    const parent = httpRequestTrace();
    const headers: Record<string, string> = {};
    await rec.telemetry.observeTool('test_tool', async (outcome, toolTrace) => {
      const call = rec.telemetry.upstream.start('/api/v1/companies', 'GET', headers, toolTrace);
      call.end(200);
      outcome('ok');
    }, parent);
    const server = spanNamed('POST /mcp');
    const tool = spanNamed('tools/call test_tool');
    const upstream = spanNamed('NeonPanel GET /api/v1/companies');
    expect(tool.spanContext().traceId).toBe(HEADER_TRACE);
    expect(tool.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    expect(upstream.parentSpanContext?.spanId).toBe(tool.spanContext().spanId);
    // NeonPanel is told the upstream span, in the same trace.
    expect(headers['traceparent']).toBe(`00-${HEADER_TRACE}-${upstream.spanContext().spanId}-01`);
  });

  it('under an unsampled parent no tool or NeonPanel span is made; NeonPanel is named the parent, unsampled', async () => {
    const UNSAMPLED = '1af7651916cd43dd8448eb211c80319d';
    const observation = rec.telemetry.startRequest('POST', '/mcp', { traceparent: `00-${UNSAMPLED}-b7ad6b7169203331-00` }, true);
    const parent = observation.context;
    const headers: Record<string, string> = {};
    let toolTrace: TraceParent | undefined;
    await rec.telemetry.observeTool('test_unsampled', async (outcome, trace) => {
      toolTrace = trace;
      rec.telemetry.upstream.start('/api/v1/unsampled', 'GET', headers, trace).end(200);
      outcome('ok');
    }, parent);
    observation.end(200, 'legacy');
    expect(toolTrace).toBe(parent);
    expect(rec.spans().filter((s) => s.spanContext().traceId === UNSAMPLED)).toEqual([]);
    expect(headers['traceparent']).toBe(`00-${UNSAMPLED}-${spanContextOf(parent)!.spanId}-00`);
  });

  it('under a sampled remote parent (a _meta traceparent) the tool span is made', async () => {
    const parent = rec.telemetry.traceParentOf({ _meta: { traceparent: `00-${META_TRACE}-${META_SPAN}-01` } }, undefined);
    await rec.telemetry.observeTool('test_remote_sampled', async (outcome) => outcome('ok'), parent);
    const tool = spanNamed('tools/call test_remote_sampled');
    expect(tool.spanContext().traceId).toBe(META_TRACE);
    expect(tool.parentSpanContext?.spanId).toBe(META_SPAN);
  });

  it('without a parent, the tool span is a root of its own trace', async () => {
    await rec.telemetry.observeTool('test_root', async (outcome) => outcome('ok'), undefined);
    const tool = spanNamed('tools/call test_root');
    expect(tool.parentSpanContext).toBeUndefined();
    expect(tool.spanContext().traceId).not.toBe(HEADER_TRACE);
  });

  it('the upstream span is a root when no tool trace is given', () => {
    const headers: Record<string, string> = {};
    rec.telemetry.upstream.start('/api/v1/alone', 'GET', headers, undefined).end(200);
    const upstream = spanNamed('NeonPanel GET /api/v1/alone');
    expect(upstream.parentSpanContext).toBeUndefined();
    expect(headers['traceparent']).toContain(upstream.spanContext().spanId);
  });
});

describe('traceParentOf: `_meta` (SEP-414) wins over the HTTP request', () => {
  const httpTrace = httpRequestTrace();

  it('a valid _meta traceparent replaces the HTTP trace', () => {
    const parent = rec.telemetry.traceParentOf({ _meta: { traceparent: `00-${META_TRACE}-${META_SPAN}-01` } }, httpTrace);
    expect(spanContextOf(parent)?.traceId).toBe(META_TRACE);
    expect(spanContextOf(parent)?.spanId).toBe(META_SPAN);
  });

  it.each([
    ['no params', undefined],
    ['no _meta', { name: 'x' }],
    ['a _meta without traceparent', { _meta: { progressToken: 1 } }],
    ['a non-string traceparent', { _meta: { traceparent: 42 } }],
  ])('%s: the HTTP trace, as given', (_label, params) => {
    expect(rec.telemetry.traceParentOf(params, httpTrace)).toBe(httpTrace);
  });

  it('a malformed _meta traceparent leaves the HTTP trace in place', () => {
    expect(spanContextOf(rec.telemetry.traceParentOf({ _meta: { traceparent: '00-not-a-trace-01' } }, httpTrace))?.traceId).toBe(HEADER_TRACE);
  });
});

describe('head sampling of new traces', () => {
  const neverSampled = recordingTelemetry(0);
  const alwaysSampled = recordingTelemetry(1);
  afterAll(() => Promise.all([neverSampled.telemetry.shutdown(), alwaysSampled.telemetry.shutdown()]));

  /** A request with no client trace context, one tool call in it and two NeonPanel calls: what NeonPanel was sent. */
  async function newTrace(telemetry: typeof rec.telemetry): Promise<string[]> {
    const observation = telemetry.startRequest('POST', '/mcp', {}, true);
    const sent: string[] = [];
    await telemetry.observeTool('test_head', async (outcome, toolTrace) => {
      for (let i = 0; i < 2; i += 1) {
        const headers: Record<string, string> = {};
        telemetry.upstream.start('/api/v1/head', 'GET', headers, toolTrace).end(200);
        sent.push(headers['traceparent'] ?? 'none');
      }
      outcome('ok');
    }, observation.context);
    observation.end(200, 'legacy');
    return sent;
  }

  it('left out: no span at any level; NeonPanel still gets a valid, unsampled traceparent; the metrics still count', async () => {
    const sent = await newTrace(neverSampled.telemetry);
    expect(neverSampled.spans()).toEqual([]);
    for (const header of sent) expect(header).toMatch(/^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-00$/);
    expect(await neverSampled.value('mcp.tool.duration', { 'mcp.tool.name': 'test_head', outcome: 'ok' })).toBe(1);
    expect(await neverSampled.value('mcp.http.request.duration', { 'http.route': '/mcp' })).toBe(1);
  });

  it('kept: request, tool and NeonPanel spans in one trace, and NeonPanel is named its own span, sampled', async () => {
    const sent = await newTrace(alwaysSampled.telemetry);
    const server = alwaysSampled.spans().find((s) => s.name === 'POST /mcp')!;
    const tool = alwaysSampled.spans().find((s) => s.name === 'tools/call test_head')!;
    const clients = alwaysSampled.spans().filter((s) => s.name === 'NeonPanel GET /api/v1/head');
    expect(server.parentSpanContext).toBeUndefined();
    expect(tool.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    expect(clients).toHaveLength(2);
    const traceId = server.spanContext().traceId;
    expect(sent).toEqual(clients.map((c) => `00-${traceId}-${c.spanContext().spanId}-01`));
  });

  it('a tool call with no parent at all is a new trace too, decided the same way', async () => {
    await neverSampled.telemetry.observeTool('test_orphan', async (outcome) => outcome('ok'), undefined);
    await alwaysSampled.telemetry.observeTool('test_orphan', async (outcome) => outcome('ok'), undefined);
    expect(neverSampled.spans()).toEqual([]);
    expect(alwaysSampled.spans().filter((s) => s.name === 'tools/call test_orphan')).toHaveLength(1);
  });
});

describe('the dispatcher carries the parent in CallMeta', () => {
  const sink: ResponseSink = { response: () => {}, related: () => {} };
  const request = (id: number, meta?: Record<string, unknown>): JSONRPCRequest =>
    ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'x', ...(meta ? { _meta: meta } : {}) } }) as JSONRPCRequest;

  it('telemetry on: each request of a batch gets its own parent, _meta first, else the HTTP one', () => {
    const dispatcher = new Dispatcher((params, httpTrace) => rec.telemetry.traceParentOf(params, httpTrace));
    const seen: JSONRPCMessage[] = [];
    dispatcher.onmessage = (message) => seen.push(message);
    const httpTrace = httpRequestTrace();
    const meta: CallMeta = { session: undefined, requestId: 'r1', trace: httpTrace };
    const withMeta = dispatcher.request(request(1, { traceparent: `00-${META_TRACE}-${META_SPAN}-01` }), sink, meta, {});
    const without = dispatcher.request(request(2), sink, meta, {});
    expect(seen).toHaveLength(2);
    expect(spanContextOf(dispatcher.meta(withMeta)!.trace)?.traceId).toBe(META_TRACE);
    expect(dispatcher.meta(without)!.trace).toBe(httpTrace);
    expect(dispatcher.meta(without)!.requestId).toBe('r1');
  });

  it('telemetry off: CallMeta is passed on as given (no per-request copy)', () => {
    const dispatcher = new Dispatcher();
    dispatcher.onmessage = () => {};
    const meta: CallMeta = { session: undefined, requestId: 'r2', trace: undefined };
    const id = dispatcher.request(request(1, { traceparent: `00-${META_TRACE}-${META_SPAN}-01` }), sink, meta, {});
    expect(dispatcher.meta(id)).toBe(meta);
  });
});
