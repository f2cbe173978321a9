/**
 * No token and no Authorization header ever reaches the logs, whatever the request did.
 */
import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger.js';
import { startTestIssuer, type TestIssuer } from '../helpers/keys.js';
import { claimsFor, startTestServer, type TestServer } from '../helpers/server.js';
import { callTool, request } from '../helpers/http.js';
import { SCOPED_TOOL, testRegistry } from '../helpers/tools.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { lines, stream, text: () => lines.join('') };
}

/** The token and each of its parts long enough to be identifying. */
function secretsOf(token: string): string[] {
  return [token, ...token.split('.').filter((part) => part.length >= 16)];
}

describe('logs never contain a token', () => {
  let issuer: TestIssuer;

  beforeAll(async () => {
    issuer = await startTestIssuer();
  });
  afterAll(async () => {
    await issuer.close();
  });

  test('through failing, refused, unavailable and successful requests, and the shutdown', async () => {
    const log = capture();
    // Keys are fetched for the first time while the JWKS is down, so the outage path runs too.
    issuer.setDown(true);
    let server: TestServer | undefined;
    const secrets: string[] = [];
    try {
      server = await startTestServer(issuer, { LOG_LEVEL: 'debug' }, { logger: createLogger('debug', log.stream), registry: testRegistry() });
      const base = server.base;
      const good = await issuer.sign(claimsFor(base, { scope: 'read:companies' }));
      const expired = await issuer.sign(claimsFor(base), { expiresIn: Math.floor(Date.now() / 1000) - 600 });
      const foreign = await issuer.sign(claimsFor('https://elsewhere.example.com'));
      const opaque = 'opaque-secret-value-0123456789abcdef';
      secrets.push(...secretsOf(good), ...secretsOf(expired), ...secretsOf(foreign), opaque);

      expect((await callTool(base, `Bearer ${good}`)).status).toBe(503);
      issuer.setDown(false);

      const statuses = [
        (await callTool(base, `Bearer ${good}`)).status,
        (await callTool(base, `bearer ${good}`, SCOPED_TOOL)).status,
        (await callTool(base, `Bearer ${expired}`)).status,
        (await callTool(base, `Bearer ${foreign}`)).status,
        (await callTool(base, `Bearer ${opaque}`)).status,
        (await callTool(base, `Bearer ${good} trailing`)).status,
        (await callTool(base, `Basic ${Buffer.from(`user:${opaque}`).toString('base64')}`)).status,
        (await callTool(base, undefined, 'neonpanel_whoami', {}, { headers: { 'x-api-key': good } })).status,
        (await request(`${base}/mcp/tools/call?access_token=${good}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status,
        (await request(`${base}/mcp/tools/call`, {
          method: 'POST',
          headers: ['Content-Type', 'application/json', 'Authorization', `Bearer ${good}`, 'Authorization', `Bearer ${opaque}`],
          body: '{}',
        })).status,
        (await request(`${base}/mcp/tools/call`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${good}` }, body: '{"name": ' })).status,
        (await request(`${base}/nope?access_token=${good}`, { headers: { authorization: `Bearer ${good}` } })).status,
        (await request(`${base}/mcp`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${good}` },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'log-test', version: '0' } } }),
        })).status,
      ];
      expect(statuses.slice(0, 12)).toEqual([200, 403, 401, 401, 401, 401, 401, 401, 401, 401, 400, 404]);
      expect(statuses[12]).toBeLessThan(500);
    } finally {
      issuer.setDown(false);
      await server?.shutdown();
    }

    const text = log.text();
    // The capture works: the drain is always logged at this level.
    expect(text).toContain('draining');
    for (const line of log.lines) expect(() => JSON.parse(line)).not.toThrow();
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/bearer\s+[A-Za-z0-9\-._~+/]{8,}/i);
  });

  test('the logger redacts credentials even when a caller logs a request carelessly', () => {
    const log = capture();
    const logger = createLogger('debug', log.stream);
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjYXJlbGVzcyJ9.c2lnbmF0dXJlLWNhcmVsZXNz';
    logger.info({ req: { headers: { authorization: `Bearer ${token}` } } }, 'request');
    logger.info({ headers: { authorization: `Bearer ${token}`, Authorization: `Bearer ${token}` } }, 'headers');
    logger.info({ token, access_token: token, refresh_token: token, client_secret: token }, 'fields');
    logger.info({ auth: { token }, upstream: { token, authorization: token } }, 'nested');
    expect(log.lines).toHaveLength(4);
    expect(log.text()).not.toContain(token);
    expect(log.text()).toContain('[redacted]');
  });
});
