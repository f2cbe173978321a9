/**
 * A tool registry for HTTP tests: the real `neonpanel_whoami`, a tool that needs a scope, and
 * a slow tool for drain tests. None of them calls NeonPanel.
 */
import { z } from 'zod';
import { createRegistry } from '../../src/tools/registry.js';
import { structuredResult } from '../../src/tools/result.js';
import { whoami } from '../../src/tools/account.js';
import type { ToolDefinition, ToolRegistry } from '../../src/tools/types.js';

export const SCOPED_TOOL = 'test_inventory_peek';
export const SCOPED_TOOL_SCOPE = 'read:inventory';
export const SLOW_TOOL = 'test_slow_wait';

const readOnly = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false } as const;

const scopedTool: ToolDefinition = {
  name: SCOPED_TOOL,
  title: 'Peek at inventory (test)',
  description: 'Test tool that needs read:inventory.',
  scope: SCOPED_TOOL_SCOPE,
  toolset: 'account',
  operations: [],
  input: z.object({}),
  annotations: readOnly,
  async handler(_args, context) {
    return structuredResult({ peeked: true, subject: context.subject });
  },
};

const slowTool: ToolDefinition = {
  name: SLOW_TOOL,
  title: 'Wait (test)',
  description: 'Test tool that answers after `ms` milliseconds.',
  scope: undefined,
  toolset: 'account',
  operations: [],
  input: z.object({ ms: z.number().int().min(0).max(10_000) }),
  annotations: readOnly,
  async handler(args, context) {
    const { ms } = args as { ms: number };
    await new Promise((resolve) => setTimeout(resolve, ms));
    return structuredResult({ waitedMs: ms, subject: context.subject });
  },
};

export function testRegistry(): ToolRegistry {
  return createRegistry([whoami as unknown as ToolDefinition, scopedTool, slowTool]);
}
