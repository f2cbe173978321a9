/** The tool groups a deployment exposes (MCP_TOOLSETS, MCP_READ_ONLY). */
import { ConfigError } from './error.js';
import { list } from './values.js';

/**
 * The tool groups a deployment can expose (MCP_TOOLSETS). Named here, where the environment
 * is validated; every tool declares one of them (tools/types.ts).
 */
export const TOOLSETS = [
  'account', 'inventory', 'warehouses', 'costs', 'revenue', 'reports', 'imports',
  'documents', 'payments', 'catalogue', 'forecasting', 'research',
] as const;
export type Toolset = (typeof TOOLSETS)[number];

/**
 * `default` (the default of MCP_TOOLSETS): every toolset's read tools, plus the imports toolset
 * in full (its writes existed before toolsets did). `all`: every tool.
 */
export type ToolsetSelection = { toolsets: 'default' | 'all' | readonly Toolset[]; readOnly: boolean };

/** `default`, `all`, or a comma list of toolset names (`all` may not be mixed with names). */
export function parseToolsets(raw: string): ToolsetSelection['toolsets'] {
  const names = list(raw) ?? ['default'];
  if (names.length === 1 && (names[0] === 'default' || names[0] === 'all')) return names[0];
  const unknown = names.find((n) => !(TOOLSETS as readonly string[]).includes(n));
  if (unknown) throw new ConfigError('MCP_TOOLSETS', `must be default, all, or a comma list of ${TOOLSETS.join(', ')}; got ${unknown}`);
  return [...new Set(names)] as Toolset[];
}
