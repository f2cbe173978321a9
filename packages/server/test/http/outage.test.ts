/**
 * When the token cannot be checked (JWKS or authorization server down), the answer is 503
 * with Retry-After: not 401 (the token may well be fine) and not 500.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { startTestIssuer, type TestIssuer } from '../helpers/keys.js';
import { claimsFor, startTestServer, type TestServer } from '../helpers/server.js';
import { callTool, request, type TestResponse } from '../helpers/http.js';

let issuer: TestIssuer;
const servers: TestServer[] = [];

async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function serverWith(env: Record<string, string> = {}): Promise<TestServer> {
  const server = await startTestServer(issuer, env);
  servers.push(server);
  return server;
}

function expect503(res: TestResponse): void {
  expect(res.status).toBe(503);
  expect(res.headers['retry-after']).toMatch(/^[1-9]\d*$/);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.headers['www-authenticate']).toBeUndefined();
  const body = res.json<{ error: string; error_description: string }>();
  expect(body.error).toBe('temporarily_unavailable');
  expect(body.error_description).toMatch(/try again/i);
}

beforeAll(async () => {
  issuer = await startTestIssuer();
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.shutdown()));
  await issuer.close();
});

describe('verifier outages over HTTP', () => {
  test('JWKS answering 503 → 503 with Retry-After; once it is back, the same token works (the failure was not cached)', async () => {
    const server = await serverWith();
    const token = await issuer.sign(claimsFor(server.base));
    issuer.setDown(true);
    try {
      const res = await callTool(server.base, `Bearer ${token}`);
      expect503(res);
      // The description must not leak where the keys live.
      expect(res.body).not.toContain(issuer.jwksUri);
      expect(res.body).not.toContain('127.0.0.1');
    } finally {
      issuer.setDown(false);
    }
    const again = await callTool(server.base, `Bearer ${token}`);
    expect(again.status).toBe(200);
    expect(again.json<{ structuredContent: { subject: string } }>().structuredContent.subject).toBe('user-1');
  });

  test('JWKS on a closed port (connection refused) → 503 with Retry-After', async () => {
    const server = await serverWith({ OAUTH_JWKS_URI: `http://127.0.0.1:${await closedPort()}/jwks` });
    const res = await callTool(server.base, `Bearer ${await issuer.sign(claimsFor(server.base))}`);
    expect503(res);
  });

  test('a malformed token is still 401 during an outage: it cannot be fine', async () => {
    const server = await serverWith({ OAUTH_JWKS_URI: `http://127.0.0.1:${await closedPort()}/jwks` });
    const res = await callTool(server.base, 'Bearer a b');
    expect(res.status).toBe(401);
  });

  test('no credentials during an outage is still 401, not 503', async () => {
    const server = await serverWith({ OAUTH_JWKS_URI: `http://127.0.0.1:${await closedPort()}/jwks` });
    const res = await callTool(server.base, undefined);
    expect(res.status).toBe(401);
  });
});

describe('authorization server metadata mirror outage', () => {
  test.each(['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration'])(
    '%s answers 503 with Retry-After when the issuer is down and nothing is cached',
    async (path) => {
      const deadIssuer = `http://127.0.0.1:${await closedPort()}`;
      const server = await serverWith({ OAUTH_ISSUER: deadIssuer });
      const res = await request(`${server.base}${path}`);
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toMatch(/^[1-9]\d*$/);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.json<{ error: string }>().error).toBe('temporarily_unavailable');
      expect(res.body).not.toContain(deadIssuer);
    },
  );
});
