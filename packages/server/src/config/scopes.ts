/**
 * Scopes as configuration sees them: the tools' default scopes, and the scope map each auth
 * profile starts from or OAUTH_SCOPE_MAP replaces.
 */
import { ConfigError } from './error.js';

export const DEFAULT_SCOPES = [
  'read:inventory',
  'read:analytics',
  'read:companies',
  'read:reports',
  'read:warehouses',
  'read:revenue',
  'read:cogs',
  'read:landed-cost',
  'write:import',
  // Added with the toolsets (documents, payments, catalogue, forecasting, inventory writes).
  'write:inventory',
  'read:documents',
  'write:documents',
  'read:payments',
  'write:payments',
  'read:catalogue',
  'write:catalogue',
  'read:forecasting',
  'write:forecasting',
] as const;

/** Token scope → the tool scopes it grants; `'*'` grants every scope a tool of the registry needs. */
export type ScopeMap = Readonly<Record<string, readonly string[] | '*'>>;

/** Under `neonpanel`, `openid` is the only scope NeonPanel issues, so it grants every tool. */
/** How the authorization server behind the tokens treats scopes and audiences (OAUTH_PROFILE). */
export type OAuthProfile = 'neonpanel' | 'standard';

export const PROFILE_SCOPE_MAPS: Readonly<Record<OAuthProfile, ScopeMap>> = {
  neonpanel: { openid: '*' },
  standard: {},
};

const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * `OAUTH_SCOPE_MAP`: entries separated by `;`, each `token-scope=tool-scope tool-scope…` or
 * `token-scope=*`. Example: `openid=*` or `openid=read:companies read:inventory;admin=*`.
 */
export function parseScopeMap(raw: string): ScopeMap {
  const map: Record<string, readonly string[] | '*'> = {};
  for (const entry of raw.split(';').map((e) => e.trim()).filter(Boolean)) {
    const eq = entry.indexOf('=');
    const from = eq > 0 ? entry.slice(0, eq).trim() : '';
    const to = eq > 0 ? entry.slice(eq + 1).trim().split(/[\s,]+/).filter(Boolean) : [];
    if (!SCOPE_TOKEN.test(from) || to.length === 0 || !to.every((s) => SCOPE_TOKEN.test(s))) {
      throw new ConfigError('OAUTH_SCOPE_MAP', `must be entries like "openid=*" or "openid=read:inventory read:companies" separated by ";"; got "${entry.slice(0, 60)}"`);
    }
    map[from] = to.length === 1 && to[0] === '*' ? '*' : to;
  }
  return map;
}
