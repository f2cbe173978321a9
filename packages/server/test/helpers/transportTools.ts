/**
 * Small tools for transport tests: they exercise the MCP plumbing without NeonPanel.
 */
import { z } from 'zod';
import type { ToolDefinition } from '../../src/tools/types.js';
import { createRegistry } from '../../src/tools/registry.js';
import { accountTools } from '../../src/tools/account.js';
import { structuredResult } from '../../src/tools/result.js';

const readOnly = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

export const echoTool: ToolDefinition = {
  name: 'test_echo',
  title: 'Echo',
  description: 'Echoes its text back.',
  scope: undefined,
  toolset: 'account',
  operations: [],
  input: z.object({ text: z.string() }),
  output: z.object({ text: z.string(), subject: z.string() }),
  annotations: readOnly,
  handler: async (args, ctx) => structuredResult({ text: String(args['text']), subject: ctx.subject }),
};

export const slowTool: ToolDefinition = {
  name: 'test_slow',
  title: 'Slow',
  description: 'Waits, then answers; reports progress on the way.',
  scope: undefined,
  toolset: 'account',
  operations: [],
  input: z.object({ ms: z.number().int().min(0).max(10_000), steps: z.number().int().min(1).max(10).default(1) }),
  annotations: readOnly,
  // Stops when its call is cancelled, as a NeonPanel call does, and counts that it did.
  handler: async (args, ctx) => {
    const steps = Number(args['steps']);
    for (let i = 1; i <= steps; i++) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Number(args['ms']) / steps);
        function done(): void {
          clearTimeout(timer);
          ctx.signal.removeEventListener('abort', done);
          resolve();
        }
        ctx.signal.addEventListener('abort', done);
      });
      if (ctx.signal.aborted) {
        slowToolCancellations += 1;
        throw ctx.signal.reason;
      }
      await ctx.progress(i, steps, `step ${i}`);
    }
    return { content: [{ type: 'text', text: 'done' }] };
  },
};

let slowToolCancellations = 0;
/** How many `test_slow` calls saw their signal abort, in this test process. */
export const cancelledSlowCalls = (): number => slowToolCancellations;

export const logTool: ToolDefinition = {
  name: 'test_log',
  title: 'Log',
  description: 'Sends one log message at each level.',
  scope: undefined,
  toolset: 'account',
  operations: [],
  input: z.object({}),
  annotations: readOnly,
  handler: async (_args, ctx) => {
    for (const level of ['debug', 'info', 'warning', 'error'] as const) await ctx.log(level, `${level} message`);
    return { content: [{ type: 'text', text: 'logged' }] };
  },
};

export const scopedTool: ToolDefinition = {
  name: 'test_inventory_probe',
  title: 'Scoped probe',
  description: 'Needs read:inventory.',
  scope: 'read:inventory',
  toolset: 'account',
  operations: [],
  input: z.object({}),
  annotations: readOnly,
  handler: async () => ({ content: [{ type: 'text', text: 'inventory ok' }] }),
};

export function testRegistry() {
  return createRegistry([...accountTools, echoTool, slowTool, logTool, scopedTool] as ToolDefinition[]);
}
