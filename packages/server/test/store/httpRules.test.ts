/**
 * Session and limit rules over HTTP, on two tasks sharing one real redis-server (run on a
 * plain node and on a one-node cluster): live session counting, admission on the routes that
 * open streams or end sessions, zombie streams closed, the burst allowance, and the in-flight
 * limit counting NeonPanel requests rather than tool calls.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestIssuer, type TestIssuer } from '../helpers/keys.js';
import { claimsFor, startTestServer, type TestServer } from '../helpers/server.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { callTool, headersFor, openSession, post } from '../mcp/rpc.js';
import { sharedRegistry, slowNeonPanel, type FakeUpstream } from './sharedTools.js';

let issuer: TestIssuer;
let redis: TestRedis;
beforeAll(async () => {
  issuer = await startTestIssuer();
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
  await issuer.close();
});

async function task(upstream: FakeUpstream, env: Record<string, string>): Promise<TestServer> {
  return startTestServer(issuer, { ...redis.env, ...env }, { registry: sharedRegistry(upstream), neonpanel: slowNeonPanel(upstream, env) });
}
const tokenFor = (server: TestServer, sub: string) => issuer.sign(claimsFor(server.base, { sub }));
const rest = (server: TestServer, token: string, name: string, args: Record<string, unknown>) =>
  fetch(`${server.base}/mcp/tools/call`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ name, arguments: args }) });
const del = (server: TestServer, token: string, sessionId: string) => fetch(`${server.base}/mcp`, { method: 'DELETE', headers: headersFor({ token, sessionId }) });

describe('sessions over HTTP', () => {
  const upstream: FakeUpstream = { creations: 0 };
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    const env = { MCP_MAX_SESSIONS: '30', MCP_SESSION_IDLE_TIMEOUT_MS: '4000' };
    [a, b] = [await task(upstream, env), await task(upstream, env)];
  });
  afterAll(async () => {
    await a.shutdown();
    await b.shutdown();
  });

  it('with MCP_MAX_SESSIONS=30, the 31st session opened in turn (each closed before the next) is served', async () => {
    const token = await tokenFor(a, 'in-turn');
    for (let i = 0; i < 31; i++) {
      const id = await openSession(a.base, token);
      expect((await del(a, token, id)).status).toBe(200);
    }
    expect(a.mcp.sessions.size).toBe(0);
  });

  it('closes a stream whose session was deleted on the other task (no zombie kept alive by keep-alives)', async () => {
    const token = await tokenFor(a, 'zombie');
    // Made on B, streamed on A, deleted on B: A learns of it only from the store.
    const sessionId = await openSession(b.base, await tokenFor(b, 'zombie'));
    const stream = await fetch(`${a.base}/mcp`, { headers: { ...headersFor({ token, sessionId }), Accept: 'text/event-stream' } });
    expect(stream.status).toBe(200);
    expect(a.mcp.streams.hasStream(sessionId)).toBe(true);
    expect((await del(b, await tokenFor(b, 'zombie'), sessionId)).status).toBe(200);
    // The stream ends by itself (the sweep runs every second with this idle timeout).
    const reader = stream.body!.getReader();
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
    }
    expect(a.mcp.streams.hasStream(sessionId)).toBe(false);
  });
});

describe('limits over HTTP', () => {
  const upstream: FakeUpstream = { creations: 0 };
  let a: TestServer;
  beforeAll(async () => {
    a = await task(upstream, { RATE_LIMIT_REQUESTS_PER_SECOND: '1', RATE_LIMIT_BURST: '4', RATE_LIMIT_CONCURRENT_UPSTREAM: '2' });
  });
  afterAll(async () => {
    await a.shutdown();
  });

  it('admits GET /sse, GET /mcp and DELETE /mcp through the per-user rate limit: past it they are 429 with Retry-After', async () => {
    const token = await tokenFor(a, 'streamer');
    const controllers: AbortController[] = [];
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let i = 0; i < 8; i++) {
      const controller = new AbortController();
      controllers.push(controller);
      const response = await fetch(`${a.base}/sse`, { headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' }, signal: controller.signal });
      statuses.push(response.status);
      if (response.status === 429) refused ??= response;
    }
    for (const c of controllers) c.abort();
    expect(statuses).toContain(429);
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // The other two routes count too: a user already over the limit is refused on them.
    const get = await fetch(`${a.base}/mcp`, { headers: { ...headersFor({ token, sessionId: 'any' }), Accept: 'text/event-stream' } });
    const gone = await del(a, token, 'any');
    expect([get.status, gone.status]).toContain(429);
  });

  it('allows a burst above the steady rate: 5 back-to-back requests at 1/s with a burst of 4 are all served, more are not', async () => {
    await new Promise((r) => setTimeout(r, 10_100)); // the burst allowance refills
    const token = await tokenFor(a, 'burster');
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await rest(a, token, 'test_echo', { text: String(i) })).status);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toContain(429);
  }, 30_000);

  it('counts NeonPanel requests, not tool calls: a call that fans out over 6 requests under a limit of 2 is served, with at most 2 in flight', async () => {
    await new Promise((r) => setTimeout(r, 1_100));
    upstream.maxInFlight = 0;
    const response = await rest(a, await tokenFor(a, 'fan-out'), 'test_upstream_slow', { ms: 100, requests: 6 });
    expect(response.status).toBe(200);
    expect(upstream.maxInFlight).toBe(2);
    expect(await a.store.leases.held('fan-out')).toBe(0);
  });
});
