import { readFileSync } from 'node:fs';
import { startTestIssuer, type TestIssuer } from '../helpers/keys.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { request } from '../helpers/http.js';

const API_BASE = 'https://np.example.test';
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const EXPECTED = { status: 'ok', service: 'neonpanel-mcp', version: VERSION, baseUrl: API_BASE };

let upIssuer: TestIssuer;
let downIssuer: TestIssuer;
let up: TestServer;
let down: TestServer;

beforeAll(async () => {
  [upIssuer, downIssuer] = await Promise.all([startTestIssuer(), startTestIssuer()]);
  downIssuer.setDown(true);
  [up, down] = await Promise.all([
    startTestServer(upIssuer, { NEONPANEL_API_BASE: `${API_BASE}/` }),
    startTestServer(downIssuer, { NEONPANEL_API_BASE: API_BASE }),
  ]);
});

afterAll(async () => {
  await Promise.all([up.shutdown(), down.shutdown()]);
  await Promise.all([upIssuer.close(), downIssuer.close()]);
});

describe('GET /health and /healthz', () => {
  test.each(['/health', '/healthz'])('%s answers exactly the documented body, with no upstream call', async (path) => {
    const before = upIssuer.fetches;
    const res = await request(`${up.base}${path}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual(EXPECTED);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(upIssuer.fetches).toBe(before);
  });

  test('is public: an invalid Authorization header does not matter', async () => {
    const res = await request(`${up.base}/health`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(res.status).toBe(200);
    expect(res.headers['www-authenticate']).toBeUndefined();
  });

  test('stays "ok" while the JWKS is down: liveness does not depend on the issuer', async () => {
    const res = await request(`${down.base}/health`);
    expect(res.status).toBe(200);
    expect(res.json()).toEqual(EXPECTED);
  });

  test('?deep=1 with the JWKS up: 200 with checks.jwks "ok"', async () => {
    const res = await request(`${up.base}/health?deep=1`);
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ ...EXPECTED, checks: { jwks: 'ok' } });
  });

  test('?deep=1 with the JWKS down: 503 with checks.jwks "unreachable"', async () => {
    const res = await request(`${down.base}/healthz?deep=1`);
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual({ ...EXPECTED, status: 'degraded', checks: { jwks: 'unreachable' } });
  });

  test('?deep=1 is cached briefly, so probes cannot hammer the JWKS', async () => {
    const before = upIssuer.fetches;
    for (let i = 0; i < 5; i++) expect((await request(`${up.base}/health?deep=1`)).status).toBe(200);
    expect(upIssuer.fetches - before).toBeLessThanOrEqual(1);
  });
});
