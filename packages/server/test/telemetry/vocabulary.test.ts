/** The label functions: fixed words out, whatever comes in; and the cache of attribute sets. */
import { describe, expect, it } from '@jest/globals';
import { eraLabel, routeLabel, upstreamOutcomeLabel, isTracedRoute } from '../../src/telemetry/vocabulary.js';
import { outcomeOfError, outcomeOfResult, TOOL_OUTCOMES } from '../../src/tools/outcome.js';
import { NeonPanelError } from '../../src/neonpanel/errors.js';
import { InsufficientScopeError, ToolInputError, UnknownToolError } from '../../src/tools/errors.js';

const upstream = (kind: ConstructorParameters<typeof NeonPanelError>[0]['kind'], failure: ConstructorParameters<typeof NeonPanelError>[0]['failure'], status?: number) =>
  new NeonPanelError({ kind, failure, toolMessage: 'x', ...(status !== undefined ? { status } : {}) });

describe('routeLabel', () => {
  it('names the known routes and folds everything else into other', () => {
    expect(routeLabel('/mcp')).toBe('/mcp');
    expect(routeLabel('/sse/')).toBe('/sse');
    expect(routeLabel('/mcp/tools/call')).toBe('/mcp/tools/call');
    expect(routeLabel('/companies/0b7f3c1e-2d4a-4e8b-9f10-5a6b7c8d9e01')).toBe('other');
    expect(routeLabel('/.well-known/oauth-protected-resource/mcp')).toBe('other');
    expect(isTracedRoute('/healthz')).toBe(false);
    expect(isTracedRoute('/mcp')).toBe(true);
  });
});

describe('eraLabel', () => {
  it('modern only for a modern MCP-Protocol-Version on /mcp', () => {
    expect(eraLabel('/mcp', '2026-07-28', ['2026-07-28'])).toBe('modern');
    expect(eraLabel('/mcp', '2025-11-25', ['2026-07-28'])).toBe('legacy');
    expect(eraLabel('/mcp', undefined, ['2026-07-28'])).toBe('legacy');
    expect(eraLabel('/mcp', 'anything-a-client-sends', ['2026-07-28'])).toBe('legacy');
    expect(eraLabel('/sse', '2026-07-28', ['2026-07-28'])).toBe('legacy');
    expect(eraLabel('/mcp/tools/call', undefined, ['2026-07-28'])).toBe('rest');
    expect(eraLabel('other', undefined, ['2026-07-28'])).toBe('none');
  });
});

describe('upstreamOutcomeLabel', () => {
  it('classes statuses and keeps failure words', () => {
    expect(upstreamOutcomeLabel(200)).toBe('ok');
    expect(upstreamOutcomeLabel(404)).toBe('client_error');
    expect(upstreamOutcomeLabel(429)).toBe('client_error');
    expect(upstreamOutcomeLabel(503)).toBe('server_error');
    expect(upstreamOutcomeLabel('timeout')).toBe('timeout');
  });
});

describe('tool outcomes', () => {
  it('splits upstream failures by class', () => {
    expect(outcomeOfError(upstream('forbidden', 'http', 403), false)).toBe('upstream_forbidden');
    expect(outcomeOfError(upstream('not_found', 'http', 404), false)).toBe('upstream_not_found');
    expect(outcomeOfError(upstream('validation', 'http', 422), false)).toBe('upstream_validation');
    expect(outcomeOfError(upstream('unauthorized', 'http', 401), false)).toBe('upstream_unauthorized');
    expect(outcomeOfError(upstream('unavailable', 'http', 502), false)).toBe('upstream_5xx');
    expect(outcomeOfError(upstream('unavailable', 'http', 429), false)).toBe('upstream_throttled');
    expect(outcomeOfError(upstream('unavailable', 'timeout'), false)).toBe('upstream_timeout');
    expect(outcomeOfError(upstream('unavailable', 'network'), false)).toBe('upstream_network');
  });

  it('names our own refusals, cancellations and everything else a tool error', () => {
    expect(outcomeOfError(new InsufficientScopeError(['read:inventory']), false)).toBe('insufficient_scope');
    expect(outcomeOfError(new UnknownToolError('x'), false)).toBe('unknown_tool');
    expect(outcomeOfError(new Error('boom'), true)).toBe('cancelled');
    expect(outcomeOfError(new ToolInputError('which company?'), true)).toBe('tool_error');
    expect(outcomeOfError(new Error('boom'), false)).toBe('tool_error');
    expect(outcomeOfResult({ content: [], isError: true })).toBe('tool_error');
    expect(outcomeOfResult({ content: [] })).toBe('ok');
    expect(new Set(TOOL_OUTCOMES).size).toBe(TOOL_OUTCOMES.length);
  });
});
