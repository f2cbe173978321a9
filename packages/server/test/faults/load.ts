/**
 * The bounded load of the fault suite, through the proxy: a fixed number of workers, each
 * doing one thing after another until told to stop — a 2026-07-28 stateless read, a legacy
 * session call, a legacy SSE round trip, or an idempotent create retried as a careful client
 * would — and the tallies the table is made of.
 */
import { callTool, headersFor, initializeBody, post } from '../mcp/rpc.js';

export interface Tally {
  sent: number;
  answered: number;
  /** 5xx other than 503 with Retry-After, that no injected fault explains. */
  unexplained5xx: Array<{ status: number; what: string; upstream: string | null; phase: string }>;
  /** 502s from the proxy for requests in flight on a task killed with -9 (the ALB answers those the same way). */
  inFlightOnKilledTask: number;
  /** Writes acknowledged to the client: reference → answer. */
  acknowledged: Map<string, string>;
  /** "Outcome unknown" answers, each resolved by checking the list as the answer says. */
  outcomeUnknown: number;
  sseRoundTrips: number;
  sseFailures: number;
}

export function newTally(): Tally {
  return { sent: 0, answered: 0, unexplained5xx: [], inFlightOnKilledTask: 0, acknowledged: new Map(), outcomeUnknown: 0, sseRoundTrips: 0, sseFailures: 0 };
}

export interface LoadContext {
  base: string;
  token: string;
  company: string;
  tally: Tally;
  /** The injection under way, for the report of an unexplained answer. */
  phase: string;
  /** True when the 502 came from a task that was killed with -9 while the request was in flight. */
  killedUpstream(upstream: string | null): boolean;
  /** Whether the create with this reference reached NeonPanel (what the list tool would say). */
  createdUpstream(ref: string): boolean;
}

const MODERN = '2026-07-28';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let refCounter = 0;

/** Sends one request and classifies its answer; undefined when no answer came (a network failure). */
async function send(ctx: LoadContext, what: string, run: () => Promise<Response>): Promise<Response | undefined> {
  ctx.tally.sent++;
  let response: Response;
  try {
    response = await run();
  } catch {
    return undefined;
  }
  ctx.tally.answered++;
  const upstream = response.headers.get('x-upstream');
  if (response.status >= 500) {
    const explained503 = response.status === 503 && response.headers.get('retry-after') !== null;
    if (explained503) return response;
    if (response.status === 502 && ctx.killedUpstream(upstream)) ctx.tally.inFlightOnKilledTask++;
    else ctx.tally.unexplained5xx.push({ status: response.status, what, upstream, phase: ctx.phase });
  }
  return response;
}

export async function modernRead(ctx: LoadContext): Promise<void> {
  const body = {
    jsonrpc: '2.0', id: 1, method: 'tools/call',
    params: { name: 'neonpanel_companies_list', arguments: {}, _meta: { 'io.modelcontextprotocol/protocolVersion': MODERN, 'io.modelcontextprotocol/clientCapabilities': {}, 'io.modelcontextprotocol/clientInfo': { name: 'faults', version: '1' } } },
  };
  const r = await send(ctx, 'modern read', () => fetch(`${ctx.base}/mcp`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${ctx.token}`, 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'MCP-Protocol-Version': MODERN, 'Mcp-Method': 'tools/call', 'Mcp-Name': 'neonpanel_companies_list' },
    body: JSON.stringify(body),
  }));
  await r?.body?.cancel();
}

export async function sessionCall(ctx: LoadContext, sessionId: string): Promise<number | undefined> {
  const r = await send(ctx, 'session call', () => post(ctx.base, callTool(2, 'neonpanel_companies_list', {}), { token: ctx.token, sessionId }));
  await r?.body?.cancel();
  return r?.status;
}

/** Opens a legacy SSE stream, initializes over POST /messages (which may reach the other task), and waits for the answer on the stream. */
export async function sseRoundTrip(ctx: LoadContext): Promise<void> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 5_000);
  try {
    const stream = await send(ctx, 'GET /sse', () => fetch(`${ctx.base}/sse`, { headers: { Authorization: `Bearer ${ctx.token}`, Accept: 'text/event-stream' }, signal: controller.signal }));
    if (!stream || stream.status !== 200) {
      await stream?.body?.cancel().catch(() => {});
      ctx.tally.sseFailures++;
      return;
    }
    const reader = stream.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    const until = async (pattern: RegExp): Promise<RegExpMatchArray> => {
      for (;;) {
        const found = buffer.match(pattern);
        if (found) return found;
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += decoder.decode(value, { stream: true });
      }
    };
    const endpoint = new URL((await until(/event: endpoint\ndata: (\S+)\n/))[1]!, ctx.base);
    const posted = await send(ctx, 'POST /messages', () => fetch(`${ctx.base}${endpoint.pathname}${endpoint.search}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ctx.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(initializeBody(9)),
      signal: controller.signal,
    }));
    await posted?.body?.cancel().catch(() => {});
    if (posted?.status !== 202) {
      ctx.tally.sseFailures++;
      return;
    }
    await until(/event: message\ndata: (.*"id":9[,}].*)\n/);
    ctx.tally.sseRoundTrips++;
  } catch {
    ctx.tally.sseFailures++;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

/**
 * One write as a careful client makes it: a new reference and key; retried with the same key
 * after 503/5xx/network failures; on "Outcome unknown" it checks the list (the tap stands for
 * it) and, if the document is not there, tries again with a new key, as the answer says.
 * `cancelAfterMs` cancels the first attempt mid-create.
 */
export async function write(ctx: LoadContext, cancelAfterMs?: number): Promise<void> {
  const ref = `FS-${process.pid}-${++refCounter}`;
  let key = `fault-suite-${ref}`;
  for (let attempt = 0; attempt < 12; attempt++) {
    const controller = new AbortController();
    const timer = attempt === 0 && cancelAfterMs !== undefined ? setTimeout(() => controller.abort(), cancelAfterMs) : undefined;
    const args = {
      company: ctx.company, ref_number: ref, date: '2025-08-01', vendor: 'Oceanic Freight Ltd.',
      lines: [{ service: 'Freight Forwarding', quantity: 1, rate: 10 }], idempotency_key: key,
    };
    const r = await send(ctx, 'create', () => fetch(`${ctx.base}/mcp/tools/call`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ctx.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'neonpanel_bill_create', arguments: args }),
      signal: controller.signal,
    }));
    clearTimeout(timer);
    const text = r ? await r.text().catch(() => '') : '';
    if (r?.status === 200) {
      const body = JSON.parse(text) as { isError?: boolean; content?: Array<{ text?: string }> };
      const message = body.content?.[0]?.text ?? '';
      if (!body.isError) {
        ctx.tally.acknowledged.set(ref, text);
        return;
      }
      if (/^Outcome unknown/.test(message)) {
        ctx.tally.outcomeUnknown++;
        if (ctx.createdUpstream(ref)) return; // it is there: done, nothing to repeat
        key = `fault-suite-${ref}-again-${attempt}`;
        continue;
      }
    }
    await sleep(r?.status === 503 || r?.status === 429 ? 500 : 200);
  }
}

export { headersFor };
