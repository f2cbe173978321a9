/**
 * What ChatGPT (OpenAI Apps SDK) needs to link and re-link a NeonPanel account, as pure
 * functions the transports call, so they survive a transport rewrite:
 *
 * - every listed tool declares `securitySchemes: [{ type: 'oauth2', scopes }]`, with scopes
 *   the authorization server really issues (under `neonpanel`: `openid`). Without it ChatGPT
 *   does not offer its linking UI. Mirrored in `_meta.securitySchemes` for clients whose SDK
 *   drops unknown top-level tool fields.
 * - when NeonPanel refuses the token in the middle of a call, the call's answer is a tool
 *   result with `isError: true` and `_meta["mcp/www_authenticate"]` holding the RFC 6750
 *   challenge (error, error_description, resource_metadata): the Apps SDK documents this as
 *   the signal that makes ChatGPT show "reconnect".
 *
 * How this combines with the HTTP 401: the token passed this server's own check (signature,
 * issuer, expiry), so the request itself was authorized here and the MCP answer is a normal
 * result (HTTP 200, or an event on an SSE stream whose status line was sent long before).
 * A transport-level 401 stays what it is everywhere else: the answer to a request whose
 * token this server refuses (and the REST façade, which has no tool-result channel, keeps
 * answering 401 for a NeonPanel refusal). MCP clients that do not read `_meta` still show the
 * result's text, which tells the user to sign in again.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { PublishedTool } from './types.js';
import { wireTool } from './listing.js';

export const WWW_AUTHENTICATE_META = 'mcp/www_authenticate';

export interface SecurityScheme {
  type: 'oauth2';
  scopes: string[];
}

/** The issued scopes that unlock a tool: its own scope when the server issues it, else every advertised scope (`openid` grants all). */
export function toolSecuritySchemes(toolScope: string | undefined, advertised: readonly string[]): SecurityScheme[] {
  const scopes = toolScope !== undefined && advertised.includes(toolScope) ? [toolScope] : [...advertised];
  return [{ type: 'oauth2', scopes }];
}

/** A tool as `tools/list` shows it: the published form without the internal `scope`, with its security schemes. */
export function listedTool(tool: PublishedTool, advertised: readonly string[]): Record<string, unknown> {
  const securitySchemes = toolSecuritySchemes(tool.scope, advertised);
  return { ...wireTool(tool), securitySchemes, _meta: { securitySchemes } };
}

/** The tool result that asks the client to sign in again, carrying the challenge. */
export function relinkResult(message: string, challenge: string): CallToolResult {
  return {
    content: [{ type: 'text', text: message }],
    isError: true,
    _meta: { [WWW_AUTHENTICATE_META]: [challenge] },
  };
}
