/**
 * The registry with the per-user limit on NeonPanel calls in flight: every surface (both MCP
 * eras, legacy SSE, the REST façade) calls tools through it, so the limit holds everywhere.
 * Only tools that reach NeonPanel (`openWorldHint`) take a slot.
 */
import type { UserLimits } from '../store/limits.js';
import type { ToolRegistry } from './types.js';

export function limitedRegistry(registry: ToolRegistry, limits: UserLimits): ToolRegistry {
  return {
    tools: registry.tools,
    get: (name) => registry.get(name),
    async call(name, args, context) {
      const tool = registry.get(name);
      if (!tool || tool.annotations.openWorldHint !== true) return registry.call(name, args, context);
      const release = await limits.acquireUpstream(context.subject);
      try {
        return await registry.call(name, args, context);
      } finally {
        release();
      }
    },
  };
}
