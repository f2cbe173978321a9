/**
 * What `tools/list` puts on the wire, in both eras, over raw HTTP (an SDK client would parse
 * the answer and could hide extra members): each tool carries MCP `Tool` fields only, never
 * the registry's own bookkeeping (scope, toolset, readOnly, operations, the view link).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startToolStack, type ToolStack } from '../tools/stack.js';
import { openSession, post } from './rpc.js';

const MODERN = '2026-07-28';
/** `Tool`'s members in the MCP schema that our tools fill, plus OpenAI's `securitySchemes` (legacy era). */
const TOOL_FIELDS = new Set(['name', 'title', 'description', 'inputSchema', 'outputSchema', 'annotations', '_meta', 'securitySchemes']);
const REGISTRY_FIELDS = ['scope', 'toolset', 'readOnly', 'operations', 'ui'];

let stack: ToolStack;
let token: string;
beforeAll(async () => {
  stack = await startToolStack({ MCP_TOOLSETS: 'all' }, { importPolls: 0 });
  token = await stack.token();
});
afterAll(async () => {
  await stack.close();
});

async function legacyTools(): Promise<Array<Record<string, unknown>>> {
  const sessionId = await openSession(stack.server.base, token);
  const response = await post(stack.server.base, { jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} }, { token, sessionId, headers: { Accept: 'application/json, text/event-stream' } });
  const text = await response.text();
  const json = text.startsWith('{') ? JSON.parse(text) : JSON.parse(text.split('\n').find((l) => l.startsWith('data: '))!.slice(6));
  return json.result.tools;
}

async function modernTools(): Promise<Array<Record<string, unknown>>> {
  const response = await fetch(`${stack.server.base}/mcp`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'MCP-Protocol-Version': MODERN, 'Mcp-Method': 'tools/list' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 3,
      method: 'tools/list',
      params: { _meta: { 'io.modelcontextprotocol/protocolVersion': MODERN, 'io.modelcontextprotocol/clientCapabilities': {}, 'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' } } },
    }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { result: { tools: Array<Record<string, unknown>> } }).result.tools;
}

describe.each([
  ['2025-11-25 session', legacyTools],
  ['2026-07-28', modernTools],
] as const)('tools/list in the %s era', (_era, list) => {
  it('sends only MCP Tool fields for every tool', async () => {
    const tools = await list();
    expect(tools.length).toBeGreaterThan(10);
    for (const tool of tools) {
      expect({ name: tool['name'], extra: Object.keys(tool).filter((k) => !TOOL_FIELDS.has(k)) }).toEqual({ name: tool['name'], extra: [] });
      for (const field of REGISTRY_FIELDS) expect(tool).not.toHaveProperty(field);
      expect(tool).toHaveProperty('inputSchema.type', 'object');
    }
  });
});
