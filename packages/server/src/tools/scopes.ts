import type { ToolRegistry } from './types.js';

/**
 * Every scope some tool of the registry needs, in registry order. The auth profile derives
 * "every tool scope" (what `openid` grants under `neonpanel`) from this, never from a fixed list,
 * so a toolset with new scopes is covered without touching auth.
 */
export function toolScopesOf(registry: ToolRegistry): string[] {
  return [...new Set(registry.tools.flatMap((t) => (t.scope === undefined ? [] : [t.scope])))];
}
