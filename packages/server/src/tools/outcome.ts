/**
 * How a tool call ended, as operators count it: a fixed list, decided from the error the
 * registry caught (or the result it returned). Upstream 4xx are split by class
 * (`NeonPanelError.kind`), because "no access to this company" and "NeonPanel rejected the
 * request" call for different fixes.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { NeonPanelError } from '../neonpanel/errors.js';
import { InsufficientScopeError, ToolInputError, UnknownToolError } from './errors.js';
import { RateLimitedError } from '../store/limits.js';

export const TOOL_OUTCOMES = [
  'ok',
  /** A tool result with `isError`: bad arguments, an input the model can fix, an unexpected failure. */
  'tool_error',
  'unknown_tool',
  'insufficient_scope',
  'upstream_unauthorized',
  'upstream_forbidden',
  'upstream_not_found',
  'upstream_validation',
  'upstream_bad_request',
  'upstream_entry_locked',
  'upstream_5xx',
  /** NeonPanel answered 429 and retries did not get through. */
  'upstream_throttled',
  'upstream_timeout',
  'upstream_network',
  /** Refused by a per-user or batch limit before it ran (the limits of issue 14). */
  'refused_by_limit',
  'cancelled',
] as const;
export type ToolOutcome = (typeof TOOL_OUTCOMES)[number];

export function outcomeOfResult(result: CallToolResult): ToolOutcome {
  return result.isError === true ? 'tool_error' : 'ok';
}

export function outcomeOfError(error: unknown, cancelled: boolean): ToolOutcome {
  if (error instanceof NeonPanelError) {
    switch (error.kind) {
      case 'unauthorized': return 'upstream_unauthorized';
      case 'forbidden': return 'upstream_forbidden';
      case 'not_found': return 'upstream_not_found';
      case 'validation': return 'upstream_validation';
      case 'bad_request': return 'upstream_bad_request';
      case 'entry_locked': return 'upstream_entry_locked';
      case 'unavailable':
        if (error.failure === 'timeout') return 'upstream_timeout';
        if (error.failure === 'http') return error.status === 429 ? 'upstream_throttled' : 'upstream_5xx';
        return 'upstream_network';
    }
  }
  if (error instanceof RateLimitedError) return 'refused_by_limit';
  if (error instanceof InsufficientScopeError) return 'insufficient_scope';
  if (error instanceof UnknownToolError) return 'unknown_tool';
  if (cancelled && !(error instanceof ToolInputError)) return 'cancelled';
  return 'tool_error';
}
