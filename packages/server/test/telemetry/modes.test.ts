/**
 * TELEMETRY modes on the real server: `off` (the default) installs nothing, not even trace
 * propagation; `prometheus` serves `/metrics` on a separate loopback listener and never on
 * the public port.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../src/config.js';
import { startToolStack, type ToolStack } from '../tools/stack.js';

let stack: ToolStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe('TELEMETRY', () => {
  it('is off by default', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).telemetry.mode).toBe('off');
  });

  it('refuses an unknown mode naming the variable', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', TELEMETRY: 'xray' })).toThrow(/TELEMETRY/);
  });

  it('off: no scrape listener, and NeonPanel receives no traceparent (nothing is installed)', async () => {
    stack = await startToolStack();
    expect(stack.server.metricsUrl).toBeUndefined();
    const seen = stack.sandbox.requests.length;
    const response = await stack.rest(await stack.token(), 'neonpanel_companies_list', {});
    expect(response.status).toBe(200);
    const upstream = stack.sandbox.requests.slice(seen);
    expect(upstream.length).toBeGreaterThan(0);
    for (const r of upstream) expect(r.traceparent).toBeUndefined();
  });

  it('prometheus: /metrics in text format on 127.0.0.1 only, not on the public port', async () => {
    stack = await startToolStack({ TELEMETRY: 'prometheus', METRICS_PORT: '0' });
    const metricsUrl = stack.server.metricsUrl!;
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(new URL(metricsUrl).port).not.toBe(new URL(stack.server.base).port);

    const refused = await fetch(`${stack.server.base}/mcp/tools/call`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(refused.status).toBe(401);
    expect((await stack.rest(await stack.token(), 'neonpanel_companies_list', {})).status).toBe(200);

    const scrape = await fetch(metricsUrl);
    expect(scrape.status).toBe(200);
    expect(scrape.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await scrape.text();
    expect(text).toMatch(/^mcp_auth_failures_total\{[^}]*reason="missing"[^}]*\} 1$/m);
    expect(text).toMatch(/^mcp_tool_duration_count\{[^}]*mcp_tool_name="neonpanel_companies_list"[^}]*outcome="ok"[^}]*\} 1$/m);
    expect(text).toMatch(/^neonpanel_request_duration_count\{/m);

    expect((await fetch(`${stack.server.base}/metrics`)).status).toBe(404);
    expect((await fetch(new URL('/other', metricsUrl))).status).toBe(404);
  });
});
