/**
 * The auth profile as pure functions: which `aud` values a token may carry, which scopes
 * this server advertises, and which tool scopes a token's scopes grant.
 *
 * - `standard`: an OAuth 2.1 / RFC 8707 authorization server. `aud` must name this resource;
 *   tokens carry the tools' fine-grained scopes, which apply as they are.
 * - `neonpanel`: NeonPanel's authorization server (API 1.2.0-beta). It defines only `openid`
 *   and no resource indicators, so `aud` is absent or the OAuth client's id. Such a token is
 *   accepted when the issuer and the signature are right, and `openid` grants every tool
 *   scope: what the user may do is decided per company by NeonPanel itself, on every call.
 *   A token that names another resource server (a URL `aud` that is not ours) is still
 *   refused. See the README's security section for what this does and does not protect against.
 */
import type { OAuthProfile, ScopeMap } from '../config.js';

/** Never advertised: it asks for a refresh token, not for access to this resource. */
const NOT_ADVERTISED = new Set(['offline_access']);

export interface AudiencePolicy {
  profile: OAuthProfile;
  /** Accepted `aud` values (the advertised resource identifiers, or OAUTH_AUDIENCE). */
  audiences: readonly string[];
  /** OAUTH_ALLOWED_CLIENTS: when set, the token's client must be one of these. */
  allowedClients?: readonly string[] | undefined;
}

export type AudienceDecision =
  | {
      ok: true;
      /** The accepted audience the token named, if any. */
      resource: string | undefined;
      /** The client the token was issued to, if the token says. */
      clientId: string | undefined;
    }
  | { ok: false; reason: string; kind: 'wrong_audience' | 'client_not_allowed' };

const stringClaim = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

function isHttpUrl(value: string): boolean {
  return /^https?:\/\//i.test(value) && URL.canParse(value);
}

/**
 * Decides whether a verified token's `aud` (and client) is acceptable here. A pure function
 * of the claims; the signature, `iss` and times are checked before it runs.
 */
export function checkAudience(claims: Record<string, unknown>, policy: AudiencePolicy): AudienceDecision {
  const raw = claims['aud'];
  const auds = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  if (!auds.every((a): a is string => typeof a === 'string')) return { ok: false, reason: 'The access token has a malformed "aud" claim.', kind: 'wrong_audience' };
  const claimedClient = stringClaim(claims['client_id']) ?? stringClaim(claims['azp']) ?? stringClaim(claims['cid']);
  const resource = auds.find((a) => policy.audiences.includes(a));
  let clientId = claimedClient;

  if (!resource) {
    if (policy.profile === 'standard') return { ok: false, reason: 'The access token was not issued for this resource.', kind: 'wrong_audience' };
    const allowed = policy.allowedClients ?? [];
    // A client identifier, not a resource: the token's own client, a listed client, or
    // anything that is not a URL (resource servers are named by URL; NeonPanel's client ids
    // are not URLs). A URL naming someone else's resource is a token meant for them.
    const namesClient = (a: string) => a === claimedClient || allowed.includes(a) || !isHttpUrl(a);
    if (!auds.every(namesClient)) return { ok: false, reason: 'The access token was issued for another resource.', kind: 'wrong_audience' };
    // Laravel Passport puts the client id in `aud` and has no `client_id` claim.
    if (clientId === undefined && auds.length === 1) clientId = auds[0];
  }

  if (policy.allowedClients && policy.allowedClients.length > 0 && (clientId === undefined || !policy.allowedClients.includes(clientId))) {
    return { ok: false, reason: 'The access token was issued to a client this server does not accept.', kind: 'client_not_allowed' };
  }
  return { ok: true, resource, clientId };
}

/** Scopes as authorization servers send them: `scope` (RFC 9068, space-delimited), `scp` (array or string), `scopes` (array, Laravel Passport). */
export function scopesFromClaims(claims: Record<string, unknown>): string[] {
  const found = new Set<string>();
  const add = (value: unknown) => {
    const items: unknown[] = typeof value === 'string' ? value.split(' ') : Array.isArray(value) ? value : [];
    for (const s of items) if (typeof s === 'string' && s !== '') found.add(s);
  };
  add(claims['scope']);
  add(claims['scp']);
  add(claims['scopes']);
  return [...found];
}

export interface ScopePolicy {
  map: ScopeMap;
  /** Every scope a tool of the registry needs: derived from the registry, never a fixed list. */
  toolScopes: readonly string[];
}

/**
 * The scopes a token's scopes grant. A token that carries tool scopes itself gets exactly
 * those, so fine-grained scopes the authorization server starts issuing take effect without
 * a release; otherwise each mapped scope adds the tool scopes it grants. The token's own
 * scopes are kept too (so `openid` still reads as `openid`).
 */
export function grantedScopes(tokenScopes: readonly string[], policy: ScopePolicy): string[] {
  const tools = new Set(policy.toolScopes);
  if (tokenScopes.some((s) => tools.has(s))) return [...tokenScopes];
  const granted = new Set(tokenScopes);
  for (const scope of tokenScopes) {
    const grants = policy.map[scope];
    if (grants === undefined) continue;
    for (const s of grants === '*' ? policy.toolScopes : grants) granted.add(s);
  }
  return [...granted];
}

export interface AdvertisedScopesInput {
  profile: OAuthProfile;
  /** OAUTH_ADVERTISED_SCOPES, used as given in every profile. */
  configured?: readonly string[] | undefined;
  /** OAUTH_SCOPES: what `standard` advertised before profiles existed. */
  legacy?: readonly string[] | undefined;
  toolScopes: readonly string[];
  /** `scopes_supported` of the authorization server's metadata, once discovered. */
  issuerScopes?: readonly string[] | undefined;
}

/**
 * The scopes named in protected-resource metadata and in every challenge: only scopes the
 * authorization server issues. A client asks for exactly these, so naming one the server
 * does not know can make it refuse the whole request (`invalid_scope`).
 */
export function advertisedScopes(input: AdvertisedScopesInput): string[] {
  const strip = (scopes: readonly string[]) => [...new Set(scopes)].filter((s) => !NOT_ADVERTISED.has(s));
  if (input.configured && input.configured.length > 0) return strip(input.configured);
  const base = input.profile === 'neonpanel' ? ['openid'] : strip(input.legacy ?? input.toolScopes);
  const candidates = input.profile === 'neonpanel' ? ['openid', ...input.toolScopes] : base;
  if (!input.issuerScopes || input.issuerScopes.length === 0) return base;
  const issued = new Set(input.issuerScopes);
  const kept = strip(candidates).filter((s) => issued.has(s));
  return kept.length > 0 ? kept : base;
}

/** The one start-up line that states the audience and scope policy in effect. */
export function describePolicy(input: { profile: OAuthProfile; audiences: readonly string[]; allowedClients?: readonly string[] | undefined; map: ScopeMap; advertised: readonly string[] }): Record<string, unknown> {
  const audience = input.profile === 'neonpanel'
    ? `absent, a client id, or one of ${input.audiences.join(' ')}; a URL naming another resource is refused`
    : `one of ${input.audiences.join(' ')}`;
  const map = Object.entries(input.map).map(([k, v]) => `${k}=${v === '*' ? '*' : v.join(' ')}`).join('; ');
  return {
    profile: input.profile,
    audience,
    allowedClients: input.allowedClients?.join(' ') ?? 'any',
    scopeMap: map || 'none (token scopes apply as they are)',
    advertisedScopes: input.advertised.join(' '),
  };
}

/**
 * What a 403 `insufficient_scope` challenge asks for: the missing tool scopes when the
 * authorization server issues them, else the advertised scopes whose mapping grants them
 * (a fresh `openid`-only token grants every tool scope under `neonpanel`), else the tool scopes.
 */
export function stepUpScopes(required: readonly string[], advertised: readonly string[], map: ScopeMap): string[] {
  if (required.every((s) => advertised.includes(s))) return [...required];
  const granting = advertised.filter((s) => {
    const grants = map[s];
    return grants === '*' || (grants !== undefined && required.every((r) => grants.includes(r)));
  });
  return granting.length > 0 ? granting : [...required];
}
