/**
 * Tools for the shared-state tests. `creations` stands for NeonPanel: an external system both
 * tasks write to, so counting there is what proves a write happened once.
 */
import { z } from 'zod';
import type { ToolDefinition } from '../../src/tools/types.js';
import { createRegistry } from '../../src/tools/registry.js';
import { CREATE_ANNOTATIONS, idempotencyKeyArg, once } from '../../src/tools/writes.js';
import { echoTool, slowTool } from '../helpers/transportTools.js';

export interface FakeUpstream {
  creations: number;
}

export function sharedRegistry(upstream: FakeUpstream) {
  const createTool: ToolDefinition = {
    name: 'test_create',
    title: 'Create',
    description: 'Creates one record upstream, once per idempotency key.',
    scope: undefined,
    toolset: 'account',
    operations: [],
    input: z.object({ name: z.string(), ms: z.number().int().min(0).max(5_000).default(0), idempotency_key: idempotencyKeyArg }),
    annotations: CREATE_ANNOTATIONS,
    handler: (args, ctx) =>
      once(ctx, String(args['idempotency_key']), { name: args['name'] }, async () => {
        await new Promise((resolve) => setTimeout(resolve, Number(args['ms'])));
        upstream.creations++;
        return { content: [{ type: 'text', text: `created #${upstream.creations} ${String(args['name'])}` }] };
      }, 'List the records'),
  };
  /** Reaches "NeonPanel" (openWorldHint), so it takes an in-flight slot. */
  const upstreamRead: ToolDefinition = {
    ...slowTool,
    name: 'test_upstream_slow',
    annotations: { ...slowTool.annotations, openWorldHint: true },
  };
  return createRegistry([echoTool, slowTool, createTool, upstreamRead] as ToolDefinition[]);
}
