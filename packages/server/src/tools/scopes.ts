/**
 * Every scope some tool needs, in catalogue order. The auth profile derives "every tool
 * scope" (what `openid` grants under `neonpanel`) from this, never from a fixed list, so a
 * toolset with new scopes is covered without touching auth.
 *
 * Derive it from the whole catalogue, not from this deployment's toolset selection: a token
 * that carries any catalogue scope (say `write:inventory` on a read-only deployment) is a
 * fine-grained token whose scopes apply exactly, and must not be widened by the `openid`
 * mapping just because the tool needing that scope is not published here.
 */
export function toolScopesOf(tools: readonly { scope: string | undefined }[]): string[] {
  return [...new Set(tools.flatMap((t) => (t.scope === undefined ? [] : [t.scope])))];
}
