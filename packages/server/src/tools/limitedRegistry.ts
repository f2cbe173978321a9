/**
 * The registry with the per-user limit on NeonPanel requests in flight: every surface (both MCP
 * eras, legacy SSE, the REST façade) calls tools through it, so the limit holds everywhere.
 * It counts NeonPanel requests, not tool calls: a search that fans out over many pages takes
 * one lease per request it sends, for as long as that request runs, and a tool that sends none
 * takes none.
 */
import type { UserLimits } from '../store/limits.js';
import type { ToolRegistry } from './types.js';

export function limitedRegistry(registry: ToolRegistry, limits: UserLimits): ToolRegistry {
  return {
    tools: registry.tools,
    get: (name) => registry.get(name),
    call(name, args, context) {
      return registry.call(name, args, { ...context, upstreamAdmission: () => limits.acquireUpstream(context.subject) });
    },
  };
}
