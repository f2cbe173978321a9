/**
 * The era decision: the fast legacy path must agree with the SDK's own classifier, and the
 * standard-header rung (written here because the SDK does not export it) must follow the spec.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { classifyInboundRequest } from '@modelcontextprotocol/server';
import { decideEra, decodeHeaderValue, modernErrorStatus, standardHeaderMismatch } from '../../src/mcp/eras.js';

const envelope = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} };

describe('decideEra', () => {
  it('routes exactly what the SDK classifier routes to legacy, to legacy', () => {
    const bodies = fc.record({
      method: fc.constantFrom('initialize', 'tools/call', 'tools/list', 'server/discover', 'ping', 'notifications/initialized'),
      withId: fc.boolean(),
      meta: fc.constantFrom(undefined, {}, { progressToken: 1 }, envelope, { 'io.modelcontextprotocol/protocolVersion': '2025-11-25' }),
      header: fc.constantFrom(undefined, '2025-06-18', '2025-11-25', '2026-07-28', '2099-01-01', ' 2025-11-25 '),
    });
    fc.assert(fc.property(bodies, ({ method, withId, meta, header }) => {
      const body = {
        jsonrpc: '2.0',
        ...(withId ? { id: 1 } : {}),
        method,
        params: { name: 'x', ...(method === 'initialize' ? { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'c', version: '1' } } : {}), ...(meta ? { _meta: meta } : {}) },
      };
      const headers = {
        ...(header !== undefined ? { 'mcp-protocol-version': header } : {}),
        'mcp-method': method,
        'mcp-name': 'x',
      };
      const ours = decideEra('POST', headers, body).era === 'legacy';
      const sdk = classifyInboundRequest({ httpMethod: 'POST', ...(header !== undefined ? { protocolVersionHeader: header } : {}), mcpMethodHeader: method, mcpNameHeader: 'x', body }).kind === 'legacy';
      expect({ method, withId, meta, header, legacy: ours }).toEqual({ method, withId, meta, header, legacy: sdk });
    }), { numRuns: 300 });
  });

  it('sends GET and DELETE to the legacy era', () => {
    expect(decideEra('GET', {}, undefined).era).toBe('legacy');
    expect(decideEra('DELETE', {}, undefined).era).toBe('legacy');
  });
});

describe('the standard-header rung', () => {
  const headers = { protocolVersionHeader: '2026-07-28', mcpMethodHeader: 'tools/call' };

  it('requires MCP-Protocol-Version, Mcp-Method, and Mcp-Name where the body has a name', () => {
    expect(standardHeaderMismatch('tools/call', { name: 't' }, { ...headers, mcpNameHeader: 't' })).toBeUndefined();
    expect(standardHeaderMismatch('tools/call', { name: 't' }, headers)).toMatch(/Mcp-Name header is missing/);
    expect(standardHeaderMismatch('tools/call', { name: 't' }, { mcpMethodHeader: 'tools/call', mcpNameHeader: 't' })).toMatch(/MCP-Protocol-Version/);
    expect(standardHeaderMismatch('tools/list', {}, { protocolVersionHeader: '2026-07-28' })).toMatch(/Mcp-Method/);
    expect(standardHeaderMismatch('tools/list', {}, { protocolVersionHeader: '2026-07-28', mcpMethodHeader: 'tools/list' })).toBeUndefined();
    expect(standardHeaderMismatch('resources/read', { uri: 'a://b' }, { ...headers, mcpMethodHeader: 'resources/read', mcpNameHeader: 'a://c' })).toMatch(/does not match/);
  });

  it('decodes the Base64 sentinel before comparing, and refuses a malformed one', () => {
    expect(decodeHeaderValue('=?base64?SGVsbG8sIOS4lueVjA==?=')).toBe('Hello, 世界');
    expect(decodeHeaderValue('plain')).toBe('plain');
    expect(decodeHeaderValue('=?base64?not base64!?=')).toBeUndefined();
    expect(standardHeaderMismatch('tools/call', { name: 'Hello, 世界' }, { ...headers, mcpNameHeader: '=?base64?SGVsbG8sIOS4lueVjA==?=' })).toBeUndefined();
  });

  it('answers an unsupported modern version with -32022 listing what server/discover lists', () => {
    const body = { jsonrpc: '2.0', id: 9, method: 'tools/list', params: { _meta: { ...envelope, 'io.modelcontextprotocol/protocolVersion': '2099-01-01' } } };
    const route = decideEra('POST', { 'mcp-protocol-version': '2099-01-01', 'mcp-method': 'tools/list' }, body);
    expect(route).toEqual({ era: 'refused', refusal: expect.objectContaining({ status: 400, code: -32022, data: { supported: ['2026-07-28'], requested: '2099-01-01' } }) });
  });
});

describe('modern error statuses', () => {
  it('maps pre-handler errors to their ladder status and handler errors to 200, except -32021', () => {
    expect(modernErrorStatus(-32601, true)).toBe(404);
    expect(modernErrorStatus(-32602, true)).toBe(400);
    expect(modernErrorStatus(-32602, false)).toBe(200);
    expect(modernErrorStatus(-32021, false)).toBe(400);
  });
});
