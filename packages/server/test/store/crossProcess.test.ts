/**
 * Two real OS processes of the production build (`node dist/main.js`, NODE_ENV=production) on
 * one real redis-server: each cross-task rule of the shared store, end to end over HTTP on
 * 127.0.0.1. crossTask.test.ts proves the same rules with two instances in one jest process;
 * here nothing is shared but Redis (no module state, no event loop, no in-process caches).
 *
 * Both processes are told the same PUBLIC_BASE_URL, as two tasks behind one ALB are, so one
 * token (aud = that URL) is valid on both. NeonPanel is the sandbox, trusting the same issuer.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestIssuer, type TestIssuer } from '../helpers/keys.js';
import { claimsFor } from '../helpers/server.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { requireBuild, startTask as startProcess, stopTask, type Task } from '../helpers/processTask.js';
import { callTool, headersFor, initializeBody, openSession, post } from '../mcp/rpc.js';
import { jwksTokenVerifier, startSandbox, type Sandbox } from '../../src/dev/sandbox/index.js';
import { DEMO_COMPANIES, DEMO_USERS } from '../../src/dev/demoUsers.js';
import { DEFAULT_SCOPES } from '../../src/config.js';

/** The public URL both "tasks" serve, as behind one load balancer; requests go to each process's own port. */
const PUBLIC_BASE = 'https://mcp.cross-process.test';
const ALICE = DEMO_USERS[0]!;
const BOB = DEMO_USERS[1]!;
const ACME = DEMO_COMPANIES[0]!;
const startTask = (env: Record<string, string>) => startProcess(env, PUBLIC_BASE);

let issuer: TestIssuer;
let redis: TestRedis;
let sandbox: Sandbox;
/** Two tasks with limits out of the way, for the session, SSE and idempotency rules. */
let a: Task;
let b: Task;
/** Two tasks with a per-user limit of 3 messages a second, for the limit rule. */
let limitedA: Task;
let limitedB: Task;

beforeAll(async () => {
  requireBuild();
  [issuer, redis] = await Promise.all([startTestIssuer(), startRedis()]);
  sandbox = await startSandbox({ verifyToken: jwksTokenVerifier({ issuer: issuer.issuer, jwksUri: issuer.jwksUri }), importPolls: 0 });
  const common = {
    OAUTH_ISSUER: issuer.issuer,
    OAUTH_JWKS_URI: issuer.jwksUri,
    OAUTH_AUTHORIZATION_ENDPOINT: `${issuer.issuer}/authorize`,
    OAUTH_TOKEN_ENDPOINT: `${issuer.issuer}/token`,
    ...redis.env,
    NEONPANEL_API_BASE: sandbox.url,
    MCP_SESSION_MODE: 'stateful',
    MCP_TOOLSETS: 'all',
  };
  const open = { ...common, RATE_LIMIT_REQUESTS_PER_SECOND: '1000000', RATE_LIMIT_CONCURRENT_UPSTREAM: '100000' };
  const limited = { ...common, RATE_LIMIT_REQUESTS_PER_SECOND: '3', RATE_LIMIT_BURST: '0' };
  [a, b, limitedA, limitedB] = await Promise.all([startTask(open), startTask(open), startTask(limited), startTask(limited)]);
}, 45_000);

afterAll(async () => {
  await Promise.all([a, b, limitedA, limitedB].map((t) => stopTask(t)));
  await sandbox?.close();
  await redis?.stop();
  await issuer?.close();
});

async function tokenOf(user: { subject: string }): Promise<string> {
  return issuer.sign(claimsFor(PUBLIC_BASE, { sub: user.subject, scope: DEFAULT_SCOPES.join(' ') }));
}

describe('two processes of the production build on one redis-server', () => {
  it('are two distinct OS processes', () => {
    expect(a.child.pid).toBeDefined();
    expect(b.child.pid).toBeDefined();
    expect(a.child.pid).not.toBe(b.child.pid);
    expect(a.url).not.toBe(b.url);
  });

  it('a Streamable HTTP session initialized on A continues on B, and another user gets 404 for it on both', async () => {
    const alice = await tokenOf(ALICE);
    const sessionId = await openSession(a.url, alice);

    const listed = await post(b.url, { jsonrpc: '2.0', id: 2, method: 'tools/list' }, { token: alice, sessionId });
    expect(listed.status).toBe(200);
    const tools = ((await listed.json()) as { result: { tools: Array<{ name: string }> } }).result.tools.map((t) => t.name);
    expect(tools).toContain('neonpanel_bill_create');

    const called = await post(b.url, callTool(3, 'neonpanel_companies_list', {}), { token: alice, sessionId });
    expect(called.status).toBe(200);
    const result = ((await called.json()) as { result: { isError?: boolean; content: Array<{ text: string }> } }).result;
    expect(result.isError ?? false).toBe(false);
    expect(JSON.stringify(result.content)).toContain(ACME.uuid);

    const bob = await tokenOf(BOB);
    for (const task of [a, b]) {
      const stolen = await post(task.url, { jsonrpc: '2.0', id: 4, method: 'tools/list' }, { token: bob, sessionId });
      expect(stolen.status).toBe(404);
      await stolen.body?.cancel();
    }
    // The owner still holds it: the refusals did not end the session.
    const still = await post(a.url, { jsonrpc: '2.0', id: 5, method: 'tools/list' }, { token: alice, sessionId });
    expect(still.status).toBe(200);
    await still.body?.cancel();

    const ended = await fetch(`${b.url}/mcp`, { method: 'DELETE', headers: headersFor({ token: alice, sessionId }) });
    expect(ended.status).toBe(200);
    const gone = await post(a.url, { jsonrpc: '2.0', id: 6, method: 'tools/list' }, { token: alice, sessionId });
    expect(gone.status).toBe(404);
    await gone.body?.cancel();
  });

  it('a legacy SSE stream opened on A receives the answer to a POST /messages sent to B (pub/sub)', async () => {
    const alice = await tokenOf(ALICE);
    const controller = new AbortController();
    const stream = await fetch(`${a.url}/sse`, { headers: { Authorization: `Bearer ${alice}`, Accept: 'text/event-stream' }, signal: controller.signal });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    const nextEvent = async (match: RegExp): Promise<RegExpMatchArray> => {
      const until = Date.now() + 5_000;
      for (;;) {
        const found = buffer.match(match);
        if (found) return found;
        const remaining = until - Date.now();
        if (remaining <= 0) throw new Error(`no event matching ${match} within 5 s in: ${buffer}`);
        let timer: NodeJS.Timeout | undefined;
        const read = await Promise.race([
          reader.read(),
          new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), remaining))),
        ]);
        clearTimeout(timer);
        if (read === 'timeout') continue;
        if (read.done) throw new Error(`stream ended before ${match}: ${buffer}`);
        buffer += decoder.decode(read.value, { stream: true });
      }
    };
    try {
      const endpoint = (await nextEvent(/event: endpoint\ndata: (\S+)\n/))[1]!;
      const target = new URL(endpoint, b.url); // the endpoint may be absolute (PUBLIC_BASE) or relative: send it to B either way
      const toB = `${b.url}${target.pathname}${target.search}`;
      const send = (body: unknown) => fetch(toB, { method: 'POST', headers: { Authorization: `Bearer ${alice}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

      const initialized = await send(initializeBody(1));
      expect(initialized.status).toBe(202);
      await initialized.body?.cancel();
      expect((await nextEvent(/event: message\ndata: (.*"id":1[,}].*)\n/))[1]).toContain('"protocolVersion"');
      const note = await send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      expect(note.status).toBe(202);
      await note.body?.cancel();

      const listed = await send({ jsonrpc: '2.0', id: 7, method: 'tools/list' });
      expect(listed.status).toBe(202);
      await listed.body?.cancel();
      const answer = JSON.parse((await nextEvent(/event: message\ndata: (.*"id":7[,}].*)\n/))[1]!) as { result: { tools: Array<{ name: string }> } };
      expect(answer.result.tools.map((t) => t.name)).toContain('neonpanel_companies_list');

      // Another user cannot post into the stream from either process.
      const bob = await tokenOf(BOB);
      for (const task of [a, b]) {
        const stolen = await fetch(`${task.url}${target.pathname}${target.search}`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${bob}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ jsonrpc: '2.0', id: 8, method: 'tools/list' }),
        });
        expect(stolen.status).toBe(404);
        await stolen.body?.cancel();
      }
    } finally {
      controller.abort();
      await reader.cancel().catch(() => {});
    }
  });

  it('an idempotent create acknowledged on A and retried on B returns the first result and creates once upstream', async () => {
    const alice = await tokenOf(ALICE);
    const posts = () => sandbox.requests.filter((r) => r.method === 'POST').length;
    const args = {
      company: ACME.uuid, ref_number: 'XP-BILL-1', date: '2025-08-01', vendor: 'Oceanic Freight Ltd.',
      lines: [{ service: 'Freight Forwarding', quantity: 2, rate: 150 }], idempotency_key: 'cross-process-0001',
    };
    const rest = (task: Task) => fetch(`${task.url}/mcp/tools/call`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${alice}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'neonpanel_bill_create', arguments: args }),
    });
    const before = posts();

    const first = await rest(a);
    expect(first.status).toBe(200);
    const firstBody = (await first.json()) as { isError?: boolean; content: unknown; structuredContent: { document: { id: number; amount: number } } };
    expect(firstBody.isError ?? false).toBe(false);
    expect(firstBody.structuredContent.document).toMatchObject({ amount: 300 });
    expect(posts() - before).toBe(1);

    const retry = await rest(b);
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual(firstBody);
    expect(posts() - before).toBe(1);

    // The same retry over MCP on B, in a session opened there: still the first result, still one create.
    const sessionId = await openSession(b.url, alice);
    const overMcp = await post(b.url, callTool(2, 'neonpanel_bill_create', args), { token: alice, sessionId });
    expect(overMcp.status).toBe(200);
    // REST adds `isError: false`; MCP leaves it out. The content is the first call's, byte for byte.
    const mcpResult = ((await overMcp.json()) as { result: { content: unknown; structuredContent: unknown } }).result;
    expect(mcpResult.structuredContent).toEqual(firstBody.structuredContent);
    expect(mcpResult.content).toEqual(firstBody.content);
    expect(posts() - before).toBe(1);
  });

  it('a per-user limit of 3 a second is counted across both processes: 429 with Retry-After past the combined count', async () => {
    const carol = await tokenOf({ subject: 'cross-process-limit-user' });
    // Four initialize requests to each process at once: alone, each would admit 3 (6 in all).
    const targets = [limitedA, limitedB, limitedA, limitedB, limitedA, limitedB, limitedA, limitedB];
    const answers = await Promise.all(targets.map(async (task, i) => {
      const response = await post(task.url, initializeBody(i + 1), { token: carol });
      const body = await response.text();
      return { task, status: response.status, retryAfter: response.headers.get('retry-after'), body };
    }));
    const admitted = answers.filter((r) => r.status === 200);
    const refused = answers.filter((r) => r.status === 429);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 200, 200, 429, 429, 429, 429, 429]);
    expect(admitted).toHaveLength(3);
    // Each process got 4 > 3, so each refused at least one; together they admitted only 3.
    expect(refused.some((r) => r.task === limitedA)).toBe(true);
    expect(refused.some((r) => r.task === limitedB)).toBe(true);
    for (const r of refused) {
      expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(JSON.parse(r.body)).toMatchObject({ jsonrpc: '2.0', error: { code: -32029 } });
    }
  });
});
