/**
 * One request by hand before the load: a misconfigured server then fails with its own
 * answer in the message, instead of as a run of non-2xx counts.
 */
import { bearer, INITIALIZED_BODY, initializeBody, isToolSuccess, modernCallHeaders, modernToolCallBody, POST_HEADERS, PROTOCOL_VERSION, toolCallBody } from '../load/mcp.js';

async function post(url: string, headers: Record<string, string>, body: string): Promise<Response> {
  return fetch(`${url}/mcp`, { method: 'POST', headers, body, signal: AbortSignal.timeout(15_000) });
}

/** initialize (+ session when the server returns one) → tools/call `tool`; throws with the server's answer if it is not a success. */
export async function checkToolCall(url: string, token: string, tool: string): Promise<void> {
  const headers: Record<string, string> = { ...POST_HEADERS, authorization: bearer(token) };
  const init = await post(url, headers, initializeBody());
  if (init.status !== 200) throw new Error(`${url}: initialize answered HTTP ${init.status}: ${(await init.text()).slice(0, 300)}`);
  await init.text();
  const session = init.headers.get('mcp-session-id');
  if (session) {
    headers['mcp-session-id'] = session;
    await (await post(url, headers, INITIALIZED_BODY)).text();
  }
  const call = await post(url, headers, toolCallBody(tool));
  const text = await call.text();
  if (call.status !== 200 || !isToolSuccess(text)) throw new Error(`${url}: tools/call ${tool} answered HTTP ${call.status}: ${text.slice(0, 300)}`);
  if (session) {
    await fetch(`${url}/mcp`, {
      method: 'DELETE',
      headers: { authorization: bearer(token), 'mcp-session-id': session, 'mcp-protocol-version': PROTOCOL_VERSION },
      signal: AbortSignal.timeout(15_000),
    }).then((r) => r.text());
  }
}

/** One 2026-07-28 tools/call: no initialize, no session; the result must carry `resultType`. */
export async function checkModernToolCall(url: string, token: string, tool: string): Promise<void> {
  const call = await post(url, { ...modernCallHeaders(tool), authorization: bearer(token) }, modernToolCallBody(tool));
  const text = await call.text();
  if (call.status !== 200 || !isToolSuccess(text) || !text.includes('"resultType":"complete"')) {
    throw new Error(`${url}: 2026-07-28 tools/call ${tool} answered HTTP ${call.status}: ${text.slice(0, 300)}`);
  }
}
