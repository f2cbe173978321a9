/**
 * Redis killed mid-traffic and restarted: requests that need it get 503 with Retry-After
 * (never a hang, never a 500), /healthz?deep=1 says so, the server recovers by itself, and
 * nothing acknowledged is lost (a session and an idempotent write made before the outage).
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { startTestIssuer, type TestIssuer } from '../helpers/keys.js';
import { claimsFor, startTestServer, type TestServer } from '../helpers/server.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { callTool, openSession, post } from '../mcp/rpc.js';
import { sharedRegistry, type FakeUpstream } from './sharedTools.js';

let issuer: TestIssuer;
let redis: TestRedis;
let server: TestServer;
let token: string;
const upstream: FakeUpstream = { creations: 0 };

beforeAll(async () => {
  issuer = await startTestIssuer();
  redis = await startRedis({ persist: true });
  server = await startTestServer(issuer, { REDIS_URL: redis.url, REDIS_COMMAND_TIMEOUT_MS: '500' }, { registry: sharedRegistry(upstream) });
  token = await issuer.sign(claimsFor(server.base, { sub: 'alice' }));
});
afterAll(async () => {
  await server.shutdown();
  await redis.stop();
  await issuer.close();
});

const rest = (args: Record<string, unknown>) =>
  fetch(`${server.base}/mcp/tools/call`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'test_create', arguments: args }),
    signal: AbortSignal.timeout(5_000),
  });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('answers 503 with Retry-After while Redis is down, recovers by itself, and loses nothing acknowledged', async () => {
  const sessionId = await openSession(server.base, token);
  const acknowledged = await rest({ name: 'before', idempotency_key: 'outage-key-1' });
  expect(acknowledged.status).toBe(200);
  const acknowledgedBody = await acknowledged.json();
  const createdBefore = upstream.creations;

  // Traffic keeps flowing on the session while Redis dies and comes back.
  const statuses: number[] = [];
  let running = true;
  const traffic = (async () => {
    let id = 100;
    while (running) {
      const response = await post(server.base, callTool(id++, 'test_echo', { text: 't' }), { token, sessionId });
      statuses.push(response.status);
      await response.text();
      await sleep(20);
    }
  })();

  await sleep(200);
  await redis.kill();
  await sleep(300);

  const started = Date.now();
  const during = await post(server.base, callTool(2, 'test_echo', { text: 'x' }), { token, sessionId });
  expect(Date.now() - started).toBeLessThan(3_000); // never a hang
  expect(during.status).toBe(503);
  expect(Number(during.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(((await during.json()) as any).error.message).toMatch(/temporarily unavailable/);

  // A stateless read needs no shared state: it is served, its rate limit counted in this task's memory.
  const stateless = await fetch(`${server.base}/mcp/tools/call`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'test_echo', arguments: { text: 'no session' } }),
    signal: AbortSignal.timeout(5_000),
  });
  expect(stateless.status).toBe(200);

  const write = await rest({ name: 'during', idempotency_key: 'outage-key-2' });
  expect(write.status).toBe(503);
  expect(write.headers.get('retry-after')).not.toBeNull();
  expect(upstream.creations).toBe(createdBefore); // refused before anything was created

  const health = await fetch(`${server.base}/healthz?deep=1`);
  expect(health.status).toBe(503);
  expect(((await health.json()) as any).checks.store).toBe('unreachable');

  await redis.start();
  // Recovery by itself: no restart of the server, bounded wait.
  const until = Date.now() + 10_000;
  let after: Response;
  for (;;) {
    after = await post(server.base, callTool(3, 'test_echo', { text: 'back' }), { token, sessionId });
    if (after.status === 200 || Date.now() > until) break;
    await after.text();
    await sleep(100);
  }
  expect(after.status).toBe(200); // the session made before the outage is still there
  running = false;
  await traffic;

  // Nothing acknowledged is lost: the replay returns the first result and creates nothing.
  const replay = await rest({ name: 'before', idempotency_key: 'outage-key-1' });
  expect(replay.status).toBe(200);
  expect(await replay.json()).toEqual(acknowledgedBody);
  expect(upstream.creations).toBe(createdBefore);

  const healthy = await fetch(`${server.base}/healthz?deep=1`);
  expect(healthy.status).toBe(200);
  expect(((await healthy.json()) as any).checks.store).toBe('ok');

  // Mid-traffic answers were only ever 200 or 503: never a 500, never a hang.
  expect(statuses.length).toBeGreaterThan(5);
  expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
  expect(statuses).toContain(503);
});
