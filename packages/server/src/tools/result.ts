import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/** A successful result carrying both forms: text for older clients, structure for newer ones. */
export function structuredResult(structured: Record<string, unknown>, summary?: string): CallToolResult {
  return {
    content: [{ type: 'text', text: summary ? `${summary}\n${JSON.stringify(structured)}` : JSON.stringify(structured) }],
    structuredContent: structured,
  };
}

/** A tool-level failure the model can read and act on (MCP: isError, not a protocol error). */
export function errorResult(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}
