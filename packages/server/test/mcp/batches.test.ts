/**
 * Bounded fan-out from one HTTP request: JSON-RPC batches are refused from 2025-06-18 on,
 * capped (MCP_MAX_BATCH) for 2025-03-26, and every message counts against the user's limit.
 * Nothing of a refused batch runs.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestIssuer, type TestIssuer } from '../helpers/keys.js';
import { claimsFor, startTestServer, type TestServer } from '../helpers/server.js';
import { sharedRegistry, type FakeUpstream } from '../store/sharedTools.js';
import { callTool, headersFor, post } from './rpc.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await startTestIssuer();
});
afterAll(async () => {
  await issuer.close();
});

async function sessionAt(base: string, token: string, protocolVersion: string): Promise<string> {
  const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion, capabilities: {}, clientInfo: { name: 'raw', version: '1' } } };
  const response = await post(base, init, { token });
  expect(response.status).toBe(200);
  const result = ((await response.json()) as any).result;
  expect(result.protocolVersion).toBe(protocolVersion);
  return response.headers.get('mcp-session-id')!;
}

const creates = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => callTool(100 + i, 'test_create', { name: `${prefix}-${i}`, idempotency_key: `${prefix}-key-${i}` }));

describe('batches', () => {
  const upstream: FakeUpstream = { creations: 0 };
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer(issuer, { MCP_MAX_BATCH: '20', RATE_LIMIT_REQUESTS_PER_SECOND: '30', RATE_LIMIT_BURST: '0' }, { registry: sharedRegistry(upstream) });
    token = await issuer.sign(claimsFor(server.base, { sub: 'batcher' }));
  });
  afterAll(async () => {
    await server.shutdown();
  });

  it('runs a small batch for a 2025-03-26 session', async () => {
    const sessionId = await sessionAt(server.base, token, '2025-03-26');
    const response = await post(server.base, [callTool(1, 'test_echo', { text: 'a' }), callTool(2, 'test_echo', { text: 'b' })], { token, sessionId, headers: { 'MCP-Protocol-Version': '2025-03-26' } });
    expect(response.status).toBe(200);
    const answers = (await response.json()) as any[];
    expect(answers.map((a) => a.result.structuredContent.text).sort()).toEqual(['a', 'b']);
  });

  it.each(['2025-06-18', '2025-11-25'])('refuses any batch in a %s session, and runs none of it', async (version) => {
    const sessionId = await sessionAt(server.base, token, version);
    const before = upstream.creations;
    const response = await post(server.base, creates(2, `v${version}`), { token, sessionId, headers: { 'MCP-Protocol-Version': version } });
    expect(response.status).toBe(400);
    const body = (await response.json()) as any;
    expect(body.error.code).toBe(-32600);
    expect(body.error.message).toContain(`not part of MCP ${version}`);
    expect(upstream.creations).toBe(before);
  });

  it('refuses a 2025-03-26 batch over MCP_MAX_BATCH (the review\'s 2,000-call POST), and runs none of it', async () => {
    await new Promise((r) => setTimeout(r, 1_100));
    const sessionId = await sessionAt(server.base, token, '2025-03-26');
    const before = upstream.creations;
    for (const size of [21, 2_000]) {
      const response = await post(server.base, creates(size, `big${size}`), { token, sessionId, headers: { 'MCP-Protocol-Version': '2025-03-26' } });
      expect(response.status).toBe(400);
      expect(((await response.json()) as any).error.message).toMatch(new RegExp(`at most 20 messages; this one has ${size}`));
    }
    expect(upstream.creations).toBe(before);
  });

  it('counts each message of a batch against the per-second limit: 429 with Retry-After, and nothing runs', async () => {
    await new Promise((r) => setTimeout(r, 1_100));
    const sessionId = await sessionAt(server.base, token, '2025-03-26');
    const before = upstream.creations;
    const first = await post(server.base, creates(20, 'fill'), { token, sessionId, headers: { 'MCP-Protocol-Version': '2025-03-26' } });
    const second = await post(server.base, creates(20, 'over'), { token, sessionId, headers: { 'MCP-Protocol-Version': '2025-03-26' } });
    // 1 initialize + 20 + 20 > 30 per second: the second batch (or, across a window edge, the first) is refused whole.
    const statuses = [first.status, second.status];
    expect(statuses).toContain(429);
    const refused = first.status === 429 ? first : second;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await refused.json()) as any).error.message).toMatch(/per second/);
    const ran = statuses.filter((s) => s === 200).length;
    expect(upstream.creations - before).toBe(20 * ran);
  });

  it('caps batches on the legacy SSE transport too', async () => {
    // Opening the stream counts against the per-second limit, which the test before used up.
    await new Promise((r) => setTimeout(r, 1_100));
    const controller = new AbortController();
    const stream = await fetch(`${server.base}/sse`, { headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' }, signal: controller.signal });
    expect(stream.status).toBe(200);
    try {
      const reader = stream.body!.getReader();
      let text = '';
      while (!/data: (\S+)\n/.test(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before its endpoint event: ${text}`);
        text += new TextDecoder().decode(value);
      }
      const endpoint = text.match(/data: (\S+)\n/)![1]!;
      const before = upstream.creations;
      const response = await fetch(`${server.base}${endpoint}`, { method: 'POST', headers: { ...headersFor({ token }), Accept: 'application/json' }, body: JSON.stringify(creates(25, 'sse')) });
      expect(response.status).toBe(400);
      expect(upstream.creations).toBe(before);
    } finally {
      controller.abort();
    }
  });
});
