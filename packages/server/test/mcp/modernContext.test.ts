/**
 * `ProcessWideModernServer.buildContext` completes the SDK's request context in place with
 * functions shared by every request: a closure per request stored on `mcpReq` kept each
 * request's whole graph alive through young-generation GC (modernServer.ts says what was measured).
 */
import { describe, expect, it, jest } from '@jest/globals';
import type { BaseContext, MessageExtraInfo, ServerContext } from '@modelcontextprotocol/server';
import { ProcessWideModernServer } from '../../src/mcp/modernServer.js';

class ExposedServer extends ProcessWideModernServer {
  complete(ctx: BaseContext): ServerContext {
    return this.buildContext(ctx, {} as MessageExtraInfo);
  }
}

const server = new ExposedServer({ name: 'test', version: '0' }, { capabilities: { logging: {} } });

function baseContext(envelope?: Record<string, unknown>) {
  const notify = jest.fn(async (_notification: unknown) => {});
  const ctx = { mcpReq: { id: 1, method: 'tools/call', notify, ...(envelope ? { envelope } : {}) } } as unknown as BaseContext;
  return { ctx, notify };
}

describe('the 2026-07-28 request context', () => {
  it('adds functions shared by every request, not closures made per request', () => {
    const first = server.complete(baseContext().ctx).mcpReq;
    const second = server.complete(baseContext().ctx).mcpReq;
    expect(typeof first.log).toBe('function');
    expect(first.log).toBe(second.log);
    expect(first.elicitInput).toBe(second.elicitInput);
    expect(first.requestSampling).toBe(second.requestSampling);
  });

  it('logs on the request\'s own stream only at or above the level its envelope names', async () => {
    const { ctx, notify } = baseContext({ 'io.modelcontextprotocol/logLevel': 'warning' });
    const { mcpReq } = server.complete(ctx);
    await mcpReq.log('info', 'below');
    await mcpReq.log('warning', 'at', 'neonpanel');
    await mcpReq.log('error', 'above');
    expect(notify.mock.calls.map(([n]) => n)).toEqual([
      { method: 'notifications/message', params: { level: 'warning', data: 'at', logger: 'neonpanel' } },
      { method: 'notifications/message', params: { level: 'error', data: 'above' } },
    ]);
  });

  it('sends nothing when the envelope names no level', async () => {
    const { ctx, notify } = baseContext();
    await server.complete(ctx).mcpReq.log('emergency', 'unasked');
    expect(notify).not.toHaveBeenCalled();
  });
});
