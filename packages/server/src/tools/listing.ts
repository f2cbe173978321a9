/**
 * A tool as MCP's `Tool` names it on the wire, from the registry's published form. The
 * registry keeps bookkeeping of its own on each tool (the scope it needs, its toolset, the
 * read-only flag MCP_READ_ONLY filters on, the NeonPanel operations it calls, its view link);
 * those decide what is listed and how, and are not fields of `Tool`, so no era sends them.
 */
import type { PublishedTool } from './types.js';

export function wireTool(tool: PublishedTool): Record<string, unknown> {
  const { name, title, description, inputSchema, outputSchema, annotations } = tool;
  return { name, title, description, inputSchema, ...(outputSchema ? { outputSchema } : {}), annotations };
}
