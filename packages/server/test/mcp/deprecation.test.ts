/**
 * The deprecated HTTP+SSE transport says so on every answer; Streamable HTTP does not.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestIssuer, type TestIssuer } from '../helpers/keys.js';
import { claimsFor, startTestServer, type TestServer } from '../helpers/server.js';
import { loadConfig } from '../../src/config.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await startTestIssuer();
});
afterAll(async () => {
  await issuer.close();
});

describe('Deprecation and Sunset on /sse and /messages', () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer(issuer, { LEGACY_SSE_SUNSET: '2027-07-28' });
    token = await issuer.sign(claimsFor(server.base));
  });
  afterAll(async () => {
    await server.shutdown();
  });

  it('the SSE stream carries Deprecation (RFC 9745), a deprecation Link and Sunset (RFC 8594)', async () => {
    const controller = new AbortController();
    const response = await fetch(`${server.base}/sse`, { headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' }, signal: controller.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('deprecation')).toBe('@1785196800');
    expect(response.headers.get('link')).toContain('rel="deprecation"');
    expect(response.headers.get('sunset')).toBe('Wed, 28 Jul 2027 00:00:00 GMT');
    controller.abort();
  });

  it('refusals on the legacy paths carry it too (401 without a token, 400 without a session)', async () => {
    const unauthenticated = await fetch(`${server.base}/sse`);
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get('deprecation')).toBe('@1785196800');
    const noSession = await fetch(`${server.base}/messages`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: '{}' });
    expect(noSession.status).toBe(400);
    expect(noSession.headers.get('sunset')).toBe('Wed, 28 Jul 2027 00:00:00 GMT');
  });

  it('Streamable HTTP is not deprecated', async () => {
    const response = await fetch(`${server.base}/mcp`, { method: 'POST' });
    expect(response.status).toBe(401);
    expect(response.headers.get('deprecation')).toBeNull();
  });
});

describe('LEGACY_SSE_SUNSET', () => {
  it('is optional: no Sunset until a date is decided', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).mcp.legacySseSunset).toBeUndefined();
  });

  it('refuses a value that is not a date, naming the variable', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', LEGACY_SSE_SUNSET: 'next year' })).toThrow(/LEGACY_SSE_SUNSET/);
    expect(() => loadConfig({ NODE_ENV: 'test', LEGACY_SSE_SUNSET: '2027-13-01' })).toThrow(/LEGACY_SSE_SUNSET/);
  });
});
