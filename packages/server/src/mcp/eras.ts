/**
 * The protocol era of one POST to `/mcp`, decided per request by the specification's
 * versioning rules (2026-07-28 basic/versioning, "Backward Compatibility"): a request that
 * carries the per-request `_meta` envelope is modern and served statelessly; `initialize`
 * and envelope-less traffic is legacy (2025-11-25 and earlier) and keeps its sessions.
 *
 * The decision itself is the v2 SDK's `classifyInboundRequest`, the exact code its own
 * `createMcpHandler` routes on, so the two cannot disagree. The SDK does not export its
 * second rung (presence of `MCP-Protocol-Version`/`Mcp-Method`/`Mcp-Name`, and the
 * `Mcp-Name` comparison after Base64-sentinel decoding), so that rung is written here.
 */
import type { IncomingHttpHeaders } from 'node:http';
import {
  classifyInboundRequest,
  UnsupportedProtocolVersionError,
  type InboundClassificationOutcome,
  type InboundModernRoute,
} from '@modelcontextprotocol/server';
import { SUPPORTED_PROTOCOL_VERSIONS as LEGACY_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';

/** The modern revisions this server serves (`server/discover` lists only these). */
export const MODERN_PROTOCOL_VERSIONS: readonly string[] = ['2026-07-28'];

/** Specification error codes (2026-07-28 basic/index "Error Codes"). */
export const HEADER_MISMATCH = -32020;
export const MISSING_REQUIRED_CLIENT_CAPABILITY = -32021;
export const METHOD_NOT_FOUND = -32601;

/** A JSON-RPC error to answer with, and its HTTP status. */
export interface Refusal {
  status: number;
  code: number;
  message: string;
  data?: unknown;
}

export type EraRoute =
  | { era: 'legacy' }
  | { era: 'modern'; route: InboundModernRoute }
  | { era: 'refused'; refusal: Refusal };

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

const ENVELOPE_VERSION_KEY = 'io.modelcontextprotocol/protocolVersion';
const LEGACY_VERSIONS: ReadonlySet<string> = new Set(LEGACY_PROTOCOL_VERSIONS);

/**
 * The common legacy request, recognised without the SDK's classifier, which validates the
 * body with zod (~40 µs a call, a sixth of a legacy tools/call's CPU): one message (already
 * shape-checked by `jsonrpc.ts`) with no envelope claim in `params._meta`, and no
 * `MCP-Protocol-Version` header or a legacy one. The classifier answers `legacy` for exactly
 * these (no claim and no modern header); anything else still goes through it.
 */
function plainlyLegacy(versionHeader: string | undefined, body: unknown): boolean {
  if (versionHeader !== undefined && !LEGACY_VERSIONS.has(versionHeader.trim())) return false;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return false;
  const params = (body as { params?: unknown }).params;
  if (params === undefined) return true;
  const meta = (params as { _meta?: unknown } | null)?._meta;
  return meta === undefined || meta === null || typeof meta !== 'object' || !(ENVELOPE_VERSION_KEY in meta);
}

export function decideEra(httpMethod: string, headers: IncomingHttpHeaders, body: unknown): EraRoute {
  const protocolVersionHeader = header(headers, 'mcp-protocol-version');
  if (httpMethod === 'POST' && plainlyLegacy(protocolVersionHeader, body)) return { era: 'legacy' };
  const mcpMethodHeader = header(headers, 'mcp-method');
  const mcpNameHeader = header(headers, 'mcp-name');
  const outcome: InboundClassificationOutcome = classifyInboundRequest({
    httpMethod,
    ...(protocolVersionHeader !== undefined ? { protocolVersionHeader } : {}),
    ...(mcpMethodHeader !== undefined ? { mcpMethodHeader } : {}),
    ...(mcpNameHeader !== undefined ? { mcpNameHeader } : {}),
    body,
  });
  if (outcome.kind === 'legacy') return { era: 'legacy' };
  if (outcome.kind === 'reject') {
    return { era: 'refused', refusal: { status: outcome.httpStatus, code: outcome.code, message: outcome.message, data: outcome.data } };
  }
  const revision = outcome.classification.revision;
  if (revision === undefined || !MODERN_PROTOCOL_VERSIONS.includes(revision)) {
    return { era: 'refused', refusal: unsupportedVersion(revision ?? 'unknown') };
  }
  if (outcome.messageKind === 'request') {
    const mismatch = standardHeaderMismatch(outcome.message.method, outcome.message.params, { protocolVersionHeader, mcpMethodHeader, mcpNameHeader });
    if (mismatch !== undefined) return { era: 'refused', refusal: { status: 400, code: HEADER_MISMATCH, message: `Header mismatch: ${mismatch}` } };
  }
  return { era: 'modern', route: outcome };
}

/**
 * The SDK's own error. It lists the versions a client that sent the per-request envelope
 * can retry with: the modern ones, exactly what `server/discover` advertises (the SDK's
 * discover lists only modern revisions, and the conformance suite checks the two agree).
 * Legacy versions are not reachable by retrying with another envelope; they need `initialize`.
 */
export function unsupportedVersion(requested: string): Refusal {
  const error = new UnsupportedProtocolVersionError({ supported: [...MODERN_PROTOCOL_VERSIONS], requested: requested.slice(0, 40) });
  return { status: 400, code: error.code, message: error.message, data: error.data };
}

/** Which body field `Mcp-Name` mirrors, per method (streamable-http "Standard Request Headers"). */
const NAME_SOURCE: Readonly<Record<string, 'name' | 'uri'>> = {
  'tools/call': 'name',
  'prompts/get': 'name',
  'resources/read': 'uri',
};

const SENTINEL_PREFIX = '=?base64?';
const SENTINEL_SUFFIX = '?=';
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes a `=?base64?…?=` header value; plain values pass through; undefined when malformed. */
export function decodeHeaderValue(value: string): string | undefined {
  if (!value.startsWith(SENTINEL_PREFIX) || !value.endsWith(SENTINEL_SUFFIX)) return value;
  const encoded = value.slice(SENTINEL_PREFIX.length, value.length - SENTINEL_SUFFIX.length);
  if (encoded.length % 4 !== 0 || !BASE64.test(encoded)) return undefined;
  return Buffer.from(encoded, 'base64').toString('utf8');
}

/** The presence-and-`Mcp-Name` half of the spec's "Server Validation"; a description of the fault, or undefined. */
export function standardHeaderMismatch(
  method: string,
  params: unknown,
  headers: { protocolVersionHeader?: string | undefined; mcpMethodHeader?: string | undefined; mcpNameHeader?: string | undefined },
): string | undefined {
  if (headers.protocolVersionHeader === undefined) return 'the required MCP-Protocol-Version header is missing';
  if (headers.mcpMethodHeader === undefined) return `the required Mcp-Method header is missing (body method '${method.slice(0, 100)}')`;
  const field = NAME_SOURCE[method];
  if (field === undefined) return undefined;
  const raw = (params as Record<string, unknown> | undefined)?.[field];
  const bodyValue = typeof raw === 'string' ? raw : undefined;
  if (headers.mcpNameHeader === undefined) {
    return bodyValue === undefined ? undefined : `the required Mcp-Name header is missing (body ${field} '${bodyValue.slice(0, 100)}')`;
  }
  const decoded = decodeHeaderValue(headers.mcpNameHeader.trim());
  if (decoded === undefined) return 'the Mcp-Name header carries an invalid Base64 value';
  if (bodyValue !== undefined && decoded !== bodyValue) {
    return `Mcp-Name header value '${decoded.slice(0, 100)}' does not match body value '${bodyValue.slice(0, 100)}'`;
  }
  return undefined;
}

/**
 * HTTP status of a modern JSON-RPC error answer. Errors raised before a handler ran (the
 * SDK's dispatch ladder) carry their ladder status; a handler's own error is in-band (200),
 * except the capability error, whose 400 the specification attaches to the code itself.
 */
export function modernErrorStatus(code: number, beforeHandler: boolean): number {
  if (code === MISSING_REQUIRED_CLIENT_CAPABILITY) return 400;
  if (!beforeHandler) return 200;
  return code === METHOD_NOT_FOUND ? 404 : 400;
}
