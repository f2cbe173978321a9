/**
 * The MCP messages the bench sends, byte-identical for every server, and the checks that
 * an answer is a success rather than a JSON-RPC or tool error.
 */

/** Streamable HTTP version sent in `initialize` and the `MCP-Protocol-Version` header. */
export const PROTOCOL_VERSION = '2025-06-18';
/** What a legacy HTTP+SSE client negotiates. */
export const LEGACY_PROTOCOL_VERSION = '2024-11-05';

/** The trivial tool: no upstream call, on both our server and the baseline. */
export const TRIVIAL_TOOL = 'neonpanel_whoami';
/** The upstream tool: one GET /api/v1/companies. */
export const UPSTREAM_TOOL = 'neonpanel_companies_list';
/** The request `neonpanel_companies_list` makes with its default arguments, sent directly for the reference figure. */
export const UPSTREAM_DIRECT_PATH = '/api/v1/companies?page=1&per_page=30';

const CLIENT_INFO = { name: 'neonpanel-bench', version: '1.0.0' };

export const initializeBody = (protocolVersion = PROTOCOL_VERSION, id: number | string = 1): string =>
  JSON.stringify({ jsonrpc: '2.0', id, method: 'initialize', params: { protocolVersion, capabilities: {}, clientInfo: CLIENT_INFO } });
export const INITIALIZED_BODY = JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' });
export const TOOLS_LIST_BODY = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} });
export const toolCallBody = (name: string, id: number | string = 3): string =>
  JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: {} } });

/** The current revision: stateless, its version and capabilities in every request's `_meta`. */
export const MODERN_PROTOCOL_VERSION = '2026-07-28';
export const modernToolCallBody = (name: string, id: number | string = 3): string =>
  JSON.stringify({
    jsonrpc: '2.0',
    id,
    method: 'tools/call',
    params: {
      name,
      arguments: {},
      _meta: {
        'io.modelcontextprotocol/protocolVersion': MODERN_PROTOCOL_VERSION,
        'io.modelcontextprotocol/clientCapabilities': {},
        'io.modelcontextprotocol/clientInfo': CLIENT_INFO,
      },
    },
  });
/** Headers of a 2026-07-28 `tools/call` POST (without the token): the body's mirror. */
export const modernCallHeaders = (name: string): Record<string, string> => ({
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': MODERN_PROTOCOL_VERSION,
  'mcp-method': 'tools/call',
  'mcp-name': name,
});

/** Headers of every Streamable HTTP POST (without the token). */
export const POST_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': PROTOCOL_VERSION,
};

export const bearer = (token: string): string => `Bearer ${token}`;

/** A JSON-RPC success whose tool result is not an error. Cheap: runs on every response. */
export function isToolSuccess(body: string): boolean {
  return body.includes('"result"') && body.includes('"structuredContent"') && !body.includes('"isError":true');
}

/** Any JSON-RPC success, or the empty body of a 202 (notification) or DELETE. */
export function isResultOrEmpty(body: string): boolean {
  return body === '' || body.includes('"result"');
}
