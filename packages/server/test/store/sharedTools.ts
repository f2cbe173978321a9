/**
 * Tools for the shared-state tests. `creations` stands for NeonPanel: an external system both
 * tasks write to, so counting there is what proves a write happened once.
 */
import { z } from 'zod';
import type { ToolDefinition } from '../../src/tools/types.js';
import { createRegistry } from '../../src/tools/registry.js';
import { CREATE_ANNOTATIONS, idempotencyKeyArg, once } from '../../src/tools/writes.js';
import { echoTool, slowTool } from '../helpers/transportTools.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createNeonPanelClient } from '../../src/neonpanel/client.js';
import type { NeonPanelClient } from '../../src/neonpanel/types.js';

export interface FakeUpstream {
  creations: number;
  /** NeonPanel requests being answered now, and the most there ever were at once. */
  inFlight?: number;
  maxInFlight?: number;
}

/**
 * The real NeonPanel client (pool share, in-flight leases) over a fake NeonPanel that answers
 * every request after `page` milliseconds and counts how many it holds at once.
 */
export function slowNeonPanel(upstream: FakeUpstream, env: Record<string, string> = {}): NeonPanelClient {
  // The pool share comes from the same variables the server reads (RATE_LIMIT_CONCURRENT_UPSTREAM…).
  const config = loadConfig({ NODE_ENV: 'test', PUBLIC_BASE_URL: 'http://127.0.0.1:1', OAUTH_ISSUER: 'https://issuer.test', ...env });
  const fetch = (async (input: Request) => {
    const ms = Number(new URL(input.url).searchParams.get('page') ?? 0);
    upstream.inFlight = (upstream.inFlight ?? 0) + 1;
    upstream.maxInFlight = Math.max(upstream.maxInFlight ?? 0, upstream.inFlight);
    await new Promise((resolve) => setTimeout(resolve, ms));
    upstream.inFlight -= 1;
    return new Response(JSON.stringify({ data: [], last_page: 1 }), { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof globalThis.fetch;
  return createNeonPanelClient(config, createLogger('silent'), { fetch, retryBaseDelayMs: 1, socketsPerUser: config.limits.socketsPerUser });
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
  /** Sends `requests` NeonPanel requests at once, each answered after `ms`: each takes an in-flight lease while it runs. */
  const upstreamRead: ToolDefinition = {
    ...slowTool,
    name: 'test_upstream_slow',
    input: z.object({ ms: z.number().int().min(0).max(5_000), requests: z.number().int().min(1).max(20).default(1) }),
    annotations: { ...slowTool.annotations, openWorldHint: true },
    handler: async (args, ctx) => {
      const api = ctx.neonpanel();
      await Promise.all(Array.from({ length: Number(args['requests']) }, () => api.GET('/api/v1/companies', { params: { query: { page: Number(args['ms']) } } })));
      return { content: [{ type: 'text', text: 'done' }] };
    },
  };
  return createRegistry([echoTool, slowTool, createTool, upstreamRead] as ToolDefinition[]);
}
