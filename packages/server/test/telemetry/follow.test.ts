/**
 * A client's sampled `traceparent` is followed only on authenticated requests, within a
 * per-process budget (TRACE_FOLLOW_MAX_PER_SECOND); otherwise head sampling decides, here 0 %,
 * in the client's trace id. Before this, anyone could force every request to be traced.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { trace, type Context } from '@opentelemetry/api';
import { ALICE, startToolStack, type ToolStack } from '../tools/stack.js';
import { recordingTelemetry, type RecordingTelemetry } from '../helpers/telemetry.js';
import type { TraceParent } from '../../src/neonpanel/types.js';
import { loadConfig } from '../../src/config.js';

const CLIENT_SPAN = 'b7ad6b7169203331';
let sequence = 0;
/** A fresh trace id per request, so each test sees only its own spans. */
const nextTrace = () => (0xa0000000 + ++sequence).toString(16).padStart(32, 'c');
const sampled = (traceId: string) => ({ traceparent: `00-${traceId}-${CLIENT_SPAN}-01` });
const spanContextOf = (parent: TraceParent) => trace.getSpanContext(parent as unknown as Context)!;

describe('the follow decision (createTelemetry)', () => {
  let clock = 0;
  const rec: RecordingTelemetry = recordingTelemetry(0, { perSecond: 2, now: () => clock });
  afterAll(() => rec.telemetry.shutdown());
  const spansIn = (traceId: string) => rec.spans().filter((s) => s.spanContext().traceId === traceId);

  /** One observed request; `authenticated` as the auth middleware would have set it by the time the span is needed. */
  function request(traceId: string, authenticated: boolean): TraceParent {
    const observation = rec.telemetry.startRequest('POST', '/mcp', sampled(traceId), true, () => authenticated);
    const context = observation.context;
    observation.end(200, 'modern');
    return context;
  }

  it('an authenticated request follows the client: its server span is recorded under the client span', () => {
    const traceId = nextTrace();
    request(traceId, true);
    expect(spansIn(traceId).map((s) => s.parentSpanContext?.spanId)).toEqual([CLIENT_SPAN]);
  });

  it('an unauthenticated request does not: nothing is recorded, and the client trace id still travels, unsampled', () => {
    const traceId = nextTrace();
    const context = spanContextOf(request(traceId, false));
    expect(spansIn(traceId)).toEqual([]);
    expect([context.traceId, context.traceFlags]).toEqual([traceId, 0]);
  });

  it('the decision waits for authentication: a request authenticated after it started is followed', () => {
    clock += 10_000;
    const traceId = nextTrace();
    let authenticated = false;
    const observation = rec.telemetry.startRequest('POST', '/mcp', sampled(traceId), true, () => authenticated);
    authenticated = true; // the auth middleware runs after the telemetry middleware
    void observation.context;
    observation.end(200, 'modern');
    expect(spansIn(traceId)).toHaveLength(1);
  });

  it('at most the budget per second is followed; the budget refills with time', () => {
    clock += 10_000;
    const traces = [nextTrace(), nextTrace(), nextTrace()];
    for (const t of traces) request(t, true);
    expect(traces.map((t) => spansIn(t).length)).toEqual([1, 1, 0]);
    clock += 500; // half a second: one more
    const later = [nextTrace(), nextTrace()];
    for (const t of later) request(t, true);
    expect(later.map((t) => spansIn(t).length)).toEqual([1, 0]);
  });

  it("a message's _meta traceparent draws on the same budget", async () => {
    clock += 10_000;
    const traces = [nextTrace(), nextTrace(), nextTrace()];
    for (const t of traces) {
      const parent = rec.telemetry.traceParentOf({ _meta: sampled(t) }, undefined);
      await rec.telemetry.observeTool('test_follow', async (outcome) => outcome('ok'), parent);
    }
    expect(traces.map((t) => spansIn(t).length)).toEqual([1, 1, 0]);
  });
});

describe('over HTTP', () => {
  let stack: ToolStack;
  let rec: RecordingTelemetry;
  beforeAll(async () => {
    rec = recordingTelemetry(0);
    stack = await startToolStack({}, {}, { telemetry: rec.telemetry });
  });
  afterAll(async () => {
    await stack.close();
    await rec.telemetry.shutdown();
  });

  const call = (traceId: string, authorization?: string) => fetch(`${stack.server.base}/mcp/tools/call`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...sampled(traceId), ...(authorization ? { Authorization: authorization } : {}) },
    body: JSON.stringify({ name: 'neonpanel_whoami', arguments: {} }),
  });

  it('a sampled traceparent without a token (401) records nothing; with a token it records the call', async () => {
    const anonymous = nextTrace();
    expect((await call(anonymous)).status).toBe(401);
    expect((await call(anonymous, 'Bearer not-a-token')).status).toBe(401);
    expect(rec.spans().filter((s) => s.spanContext().traceId === anonymous)).toEqual([]);
    const signedIn = nextTrace();
    expect((await call(signedIn, `Bearer ${await stack.token(ALICE)}`)).status).toBe(200);
    const names = rec.spans().filter((s) => s.spanContext().traceId === signedIn).map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['POST /mcp/tools/call', 'tools/call neonpanel_whoami']));
  });
});

test('TRACE_FOLLOW_MAX_PER_SECOND defaults to 5 and names itself when out of range', () => {
  expect(loadConfig({}).telemetry.followedTracesPerSecond).toBe(5);
  expect(loadConfig({ TRACE_FOLLOW_MAX_PER_SECOND: '0' }).telemetry.followedTracesPerSecond).toBe(0);
  expect(() => loadConfig({ TRACE_FOLLOW_MAX_PER_SECOND: '-1' })).toThrow('Invalid configuration: TRACE_FOLLOW_MAX_PER_SECOND must be an integer between 0 and 100000');
});
