/** Raw HTTP helpers for protocol-level tests, where an SDK client would hide the details. */
export const LATEST = '2025-06-18';

export function initializeBody(id: number | string = 1) {
  return {
    jsonrpc: '2.0',
    id,
    method: 'initialize',
    params: { protocolVersion: LATEST, capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
  };
}

export interface RawInit {
  token: string;
  sessionId?: string;
  headers?: Record<string, string>;
}

export function headersFor({ token, sessionId, headers }: RawInit): Record<string, string> {
  return {
    Authorization: `Bearer ${token}`,
    'Content-Type': 'application/json',
    Accept: 'application/json, text/event-stream',
    ...(sessionId ? { 'Mcp-Session-Id': sessionId, 'MCP-Protocol-Version': LATEST } : {}),
    ...headers,
  };
}

export async function post(base: string, body: unknown, init: RawInit): Promise<Response> {
  return fetch(`${base}/mcp`, { method: 'POST', headers: headersFor(init), body: JSON.stringify(body) });
}

/** Initializes a stateful session and returns its id. */
export async function openSession(base: string, token: string): Promise<string> {
  const response = await post(base, initializeBody(), { token });
  if (response.status !== 200) throw new Error(`initialize answered ${response.status}: ${await response.text()}`);
  const id = response.headers.get('mcp-session-id');
  if (!id) throw new Error('no session id');
  await response.text();
  await post(base, { jsonrpc: '2.0', method: 'notifications/initialized' }, { token, sessionId: id });
  return id;
}

export function callTool(id: number, name: string, args: Record<string, unknown> = {}) {
  return { jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } };
}
