/**
 * Two servers (two "tasks", each with its own Redis connections, session store, streams and
 * caches) on one real redis-server: every rule that must hold across tasks.
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

async function twoTasks(upstream: FakeUpstream, env: Record<string, string> = {}): Promise<[TestServer, TestServer]> {
  const a = await startTestServer(issuer, { ...redis.env, ...env }, { registry: sharedRegistry(upstream), neonpanel: slowNeonPanel(upstream) });
  const b = await startTestServer(issuer, { ...redis.env, ...env }, { registry: sharedRegistry(upstream), neonpanel: slowNeonPanel(upstream) });
  return [a, b];
}

/** Any server accepts a token whose audience is the other's: both are told their own base; sign for each. */
async function tokenFor(server: TestServer, sub: string): Promise<string> {
  return issuer.sign(claimsFor(server.base, { sub }));
}

async function rest(server: TestServer, token: string, name: string, args: Record<string, unknown>): Promise<Response> {
  return fetch(`${server.base}/mcp/tools/call`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name, arguments: args }),
  });
}

describe('idempotency across tasks', () => {
  const upstream: FakeUpstream = { creations: 0 };
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    [a, b] = await twoTasks(upstream);
  });
  afterAll(async () => {
    await a.shutdown();
    await b.shutdown();
  });

  it('a retry that reaches the other task returns the first result and creates nothing', async () => {
    const first = await rest(a, await tokenFor(a, 'alice'), 'test_create', { name: 'bill', idempotency_key: 'key-across-1' });
    expect(first.status).toBe(200);
    const firstBody = (await first.json()) as any;
    expect(firstBody.content[0].text).toMatch(/^created #\d+ bill$/);
    const before = upstream.creations;

    const retry = await rest(b, await tokenFor(b, 'alice'), 'test_create', { name: 'bill', idempotency_key: 'key-across-1' });
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual(firstBody);
    expect(upstream.creations).toBe(before);
  });

  it('keys are per user: the same key from another user is a new write', async () => {
    const before = upstream.creations;
    const other = await rest(b, await tokenFor(b, 'bob'), 'test_create', { name: 'bill', idempotency_key: 'key-across-1' });
    expect(((await other.json()) as any).content[0].text).toMatch(/^created #/);
    expect(upstream.creations).toBe(before + 1);
  });

  it('an in-flight duplicate on the other task waits for the first call and reports its outcome', async () => {
    const before = upstream.creations;
    const args = { name: 'slow', ms: 600, idempotency_key: 'key-inflight-1' };
    const [x, y] = await Promise.all([
      rest(a, await tokenFor(a, 'carol'), 'test_create', args),
      new Promise((r) => setTimeout(r, 100)).then(async () => rest(b, await tokenFor(b, 'carol'), 'test_create', args)),
    ]);
    const [bx, by] = [(await x.json()) as any, (await y.json()) as any];
    expect(upstream.creations).toBe(before + 1);
    expect(by).toEqual(bx);
    expect(bx.content[0].text).toMatch(/created #\d+ slow/);
  });

  it('a key reused for a different request is refused on the other task', async () => {
    await rest(a, await tokenFor(a, 'dave'), 'test_create', { name: 'one', idempotency_key: 'key-reuse-01' });
    const reused = await rest(b, await tokenFor(b, 'dave'), 'test_create', { name: 'two', idempotency_key: 'key-reuse-01' });
    const body = (await reused.json()) as any;
    expect(body.isError).toBe(true);
    expect(body.content[0].text).toMatch(/already used for a different request/);
  });
});

describe('sessions across tasks', () => {
  const upstream: FakeUpstream = { creations: 0 };
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    [a, b] = await twoTasks(upstream);
  });
  afterAll(async () => {
    await a.shutdown();
    await b.shutdown();
  });

  it('a Streamable HTTP session initialized on task A continues on task B, and is another user\'s 404 on both', async () => {
    const sessionId = await openSession(a.base, await tokenFor(a, 'alice'));
    const onB = await post(b.base, callTool(2, 'test_echo', { text: 'moved' }), { token: await tokenFor(b, 'alice'), sessionId });
    expect(onB.status).toBe(200);
    expect(((await onB.json()) as any).result.structuredContent).toEqual({ text: 'moved', subject: 'alice' });

    for (const server of [a, b]) {
      const stolen = await post(server.base, callTool(3, 'test_echo', { text: 'x' }), { token: await tokenFor(server, 'mallory'), sessionId });
      expect(stolen.status).toBe(404);
    }
    // DELETE on B ends it on A too.
    const del = await fetch(`${b.base}/mcp`, { method: 'DELETE', headers: headersFor({ token: await tokenFor(b, 'alice'), sessionId }) });
    expect(del.status).toBe(200);
    const after = await post(a.base, callTool(4, 'test_echo', { text: 'gone' }), { token: await tokenFor(a, 'alice'), sessionId });
    expect(after.status).toBe(404);
  });

  it('a legacy SSE stream held by task A receives the answer to a POST /messages that reached task B (pub/sub)', async () => {
    const controller = new AbortController();
    const stream = await fetch(`${a.base}/sse`, { headers: { Authorization: `Bearer ${await tokenFor(a, 'alice')}`, Accept: 'text/event-stream' }, signal: controller.signal });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    const nextEvent = async (match: RegExp): Promise<string> => {
      const until = Date.now() + 5_000;
      while (!match.test(buffer)) {
        if (Date.now() > until) throw new Error(`no event matching ${match} in: ${buffer}`);
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += decoder.decode(value, { stream: true });
      }
      return buffer.match(match)![0];
    };
    try {
      const endpoint = (await nextEvent(/event: endpoint\ndata: (\S+)\n/)).split('data: ')[1]!.trim();
      const posted = await fetch(`${b.base}${endpoint}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${await tokenFor(b, 'alice')}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(callTool(7, 'test_echo', { text: 'via redis' })),
      });
      expect(posted.status).toBe(202);
      const message = await nextEvent(/event: message\ndata: (.*"id":7.*)\n/);
      expect(JSON.parse(message.split('data: ')[1]!)).toMatchObject({ id: 7, result: { structuredContent: { text: 'via redis', subject: 'alice' } } });

      // Another user's POST to that session is 404 on the other task too.
      const stolen = await fetch(`${b.base}${endpoint}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${await tokenFor(b, 'mallory')}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(callTool(8, 'test_echo', { text: 'x' })),
      });
      expect(stolen.status).toBe(404);
    } finally {
      controller.abort();
    }
  });
});

describe('per-user limits across tasks', () => {
  const upstream: FakeUpstream = { creations: 0 };
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    [a, b] = await twoTasks(upstream, { RATE_LIMIT_REQUESTS_PER_SECOND: '4', RATE_LIMIT_BURST: '0', RATE_LIMIT_CONCURRENT_UPSTREAM: '1' });
  });
  afterAll(async () => {
    await a.shutdown();
    await b.shutdown();
  });

  it('counts requests per second across both tasks: 10 requests split over A and B get 429 with Retry-After', async () => {
    const [ta, tb] = [await tokenFor(a, 'erin'), await tokenFor(b, 'erin')];
    const responses = await Promise.all([
      ...Array.from({ length: 5 }, () => rest(a, ta, 'test_echo', { text: 'a' })),
      ...Array.from({ length: 5 }, () => rest(b, tb, 'test_echo', { text: 'b' })),
    ]);
    const statuses = responses.map((r) => r.status);
    // Ten requests span at most two one-second windows of 4: at least two are refused, whichever task they reached.
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(8);
    const refused = responses.filter((r) => r.status === 429);
    expect(refused.length).toBeGreaterThanOrEqual(2);
    expect(Number(refused[0]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = (await refused[0]!.json()) as any;
    expect(body.error.code).toBe(-32029);
    expect(body.error.message).toMatch(/at most 4 MCP requests per second/);
    // Another user is not affected.
    expect((await rest(a, await tokenFor(a, 'frank'), 'test_echo', { text: 'ok' })).status).toBe(200);
  });

  it('counts NeonPanel calls in flight across both tasks: a second concurrent call on B is 429 while A runs one', async () => {
    await new Promise((r) => setTimeout(r, 1_100)); // a fresh per-second window
    const slow = rest(a, await tokenFor(a, 'gina'), 'test_upstream_slow', { ms: 800 });
    await new Promise((r) => setTimeout(r, 200));
    const second = await rest(b, await tokenFor(b, 'gina'), 'test_upstream_slow', { ms: 0 });
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).not.toBeNull();
    expect(((await second.json()) as any).error.message).toMatch(/at most 1 NeonPanel requests at once/);
    expect((await slow).status).toBe(200);
    // The slot is given back when the call ends.
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await rest(b, await tokenFor(b, 'gina'), 'test_upstream_slow', { ms: 0 })).status).toBe(200);
  });
});
