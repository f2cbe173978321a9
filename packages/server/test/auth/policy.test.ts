/**
 * The auth profile's pure rules: audience, scope claims, the scope map, advertised scopes.
 */
import { advertisedScopes, checkAudience, describePolicy, grantedScopes, scopesFromClaims, stepUpScopes } from '../../src/auth/policy.js';

const BASE = 'https://mcp.example.com';
const AUDIENCES = [BASE, `${BASE}/mcp`, `${BASE}/sse`, `${BASE}/`];
const TOOL_SCOPES = ['read:companies', 'read:inventory', 'write:import', 'read:documents'];

describe('checkAudience', () => {
  const standard = { profile: 'standard' as const, audiences: AUDIENCES };
  const neonpanel = { profile: 'neonpanel' as const, audiences: AUDIENCES };

  test('standard: aud must name this resource (string or array)', () => {
    expect(checkAudience({ aud: `${BASE}/mcp` }, standard)).toEqual({ ok: true, resource: `${BASE}/mcp`, clientId: undefined });
    expect(checkAudience({ aud: ['x', BASE], client_id: 'c1' }, standard)).toEqual({ ok: true, resource: BASE, clientId: 'c1' });
    expect(checkAudience({}, standard).ok).toBe(false);
    expect(checkAudience({ aud: 'chatgpt-client' }, standard).ok).toBe(false);
    expect(checkAudience({ aud: 'https://other.example.com' }, standard).ok).toBe(false);
  });

  test('neonpanel: aud absent, or the client id (with or without a client claim), is accepted', () => {
    expect(checkAudience({}, neonpanel)).toEqual({ ok: true, resource: undefined, clientId: undefined });
    expect(checkAudience({ aud: 'client-9', azp: 'client-9' }, neonpanel)).toEqual({ ok: true, resource: undefined, clientId: 'client-9' });
    // Laravel Passport: aud is the client id, no client claim.
    expect(checkAudience({ aud: '9c2f0e4e-1111-4a2b-9f00-0123456789ab' }, neonpanel)).toEqual({ ok: true, resource: undefined, clientId: '9c2f0e4e-1111-4a2b-9f00-0123456789ab' });
    expect(checkAudience({ aud: '42' }, neonpanel).ok).toBe(true);
    // A URL client id (client ID metadata documents) is a client when the token says so.
    expect(checkAudience({ aud: 'https://chatgpt.com/client.json', client_id: 'https://chatgpt.com/client.json' }, neonpanel).ok).toBe(true);
  });

  test('neonpanel: our own resource is still accepted, and a URL naming another resource is refused', () => {
    expect(checkAudience({ aud: `${BASE}/mcp` }, neonpanel)).toMatchObject({ ok: true, resource: `${BASE}/mcp` });
    const other = checkAudience({ aud: 'https://api.other.example.com', client_id: 'c1' }, neonpanel);
    expect(other).toEqual({ ok: false, reason: 'The access token was issued for another resource.', kind: 'wrong_audience' });
    expect(checkAudience({ aud: ['client-1', 'https://api.other.example.com'] }, neonpanel).ok).toBe(false);
  });

  test('a malformed aud is refused in every profile', () => {
    expect(checkAudience({ aud: 42 }, neonpanel).ok).toBe(false);
    expect(checkAudience({ aud: [BASE, {}] }, standard).ok).toBe(false);
  });

  test('OAUTH_ALLOWED_CLIENTS restricts client_id / azp / a client aud, in both profiles', () => {
    const allowed = { ...neonpanel, allowedClients: ['chatgpt-1'] };
    expect(checkAudience({ azp: 'chatgpt-1' }, allowed).ok).toBe(true);
    expect(checkAudience({ aud: 'chatgpt-1' }, allowed).ok).toBe(true);
    expect(checkAudience({ aud: 'intruder-2' }, allowed)).toEqual({ ok: false, reason: 'The access token was issued to a client this server does not accept.', kind: 'client_not_allowed' });
    expect(checkAudience({}, allowed).ok).toBe(false); // no client named at all
    expect(checkAudience({ aud: BASE, client_id: 'intruder-2' }, { ...standard, allowedClients: ['chatgpt-1'] }).ok).toBe(false);
    expect(checkAudience({ aud: BASE, client_id: 'chatgpt-1' }, { ...standard, allowedClients: ['chatgpt-1'] }).ok).toBe(true);
  });

  test('a non-URL configured audience matches as a string (no URL parsing)', () => {
    const decision = checkAudience({ aud: 'chatgpt-connector-1a2b' }, { profile: 'standard', audiences: [...AUDIENCES, 'chatgpt-connector-1a2b'] });
    expect(decision).toEqual({ ok: true, resource: 'chatgpt-connector-1a2b', clientId: undefined });
  });
});

describe('scopesFromClaims', () => {
  test('reads scope (space-delimited), scp (array or string) and scopes (Passport array)', () => {
    expect(scopesFromClaims({ scope: 'openid  read:inventory' })).toEqual(['openid', 'read:inventory']);
    expect(scopesFromClaims({ scp: ['read:companies', 7] })).toEqual(['read:companies']);
    expect(scopesFromClaims({ scp: 'a b' })).toEqual(['a', 'b']);
    expect(scopesFromClaims({ scopes: ['openid'] })).toEqual(['openid']);
    expect(scopesFromClaims({ scope: 'openid', scopes: ['openid', 'read:inventory'] })).toEqual(['openid', 'read:inventory']);
    expect(scopesFromClaims({ scopes: 'not-an-array-but-a-string' })).toEqual(['not-an-array-but-a-string']);
    expect(scopesFromClaims({})).toEqual([]);
  });
});

describe('grantedScopes', () => {
  const neonpanel = { map: { openid: '*' as const }, toolScopes: TOOL_SCOPES };

  test('under the neonpanel map, openid grants every tool scope the registry needs (new ones included)', () => {
    expect(grantedScopes(['openid'], neonpanel).sort()).toEqual(['openid', ...TOOL_SCOPES].sort());
  });

  test('a token that carries tool scopes itself gets exactly those', () => {
    expect(grantedScopes(['openid', 'read:inventory'], neonpanel)).toEqual(['openid', 'read:inventory']);
  });

  test('an explicit list maps one scope to the named tool scopes; unknown scopes grant nothing', () => {
    const policy = { map: { openid: ['read:companies'] }, toolScopes: TOOL_SCOPES };
    expect(grantedScopes(['openid'], policy)).toEqual(['openid', 'read:companies']);
    expect(grantedScopes(['profile'], policy)).toEqual(['profile']);
    expect(grantedScopes([], policy)).toEqual([]);
  });

  test('the standard (empty) map leaves the token scopes as they are', () => {
    expect(grantedScopes(['openid'], { map: {}, toolScopes: TOOL_SCOPES })).toEqual(['openid']);
  });
});

describe('advertisedScopes', () => {
  test('neonpanel advertises openid only, before and after discovery of scopes_supported: ["openid"]', () => {
    expect(advertisedScopes({ profile: 'neonpanel', toolScopes: TOOL_SCOPES })).toEqual(['openid']);
    expect(advertisedScopes({ profile: 'neonpanel', toolScopes: TOOL_SCOPES, issuerScopes: ['openid'] })).toEqual(['openid']);
  });

  test('neonpanel follows the issuer when it starts issuing tool scopes, and never offline_access', () => {
    expect(advertisedScopes({ profile: 'neonpanel', toolScopes: TOOL_SCOPES, issuerScopes: ['openid', 'offline_access', 'read:inventory', 'email'] }))
      .toEqual(['openid', 'read:inventory']);
  });

  test('standard advertises OAUTH_SCOPES or the tool scopes, narrowed to what the issuer lists', () => {
    expect(advertisedScopes({ profile: 'standard', toolScopes: TOOL_SCOPES })).toEqual(TOOL_SCOPES);
    expect(advertisedScopes({ profile: 'standard', legacy: ['read:inventory', 'write:import'], toolScopes: TOOL_SCOPES })).toEqual(['read:inventory', 'write:import']);
    expect(advertisedScopes({ profile: 'standard', toolScopes: TOOL_SCOPES, issuerScopes: ['openid', 'read:companies'] })).toEqual(['read:companies']);
    // An issuer listing none of ours does not empty the list.
    expect(advertisedScopes({ profile: 'standard', toolScopes: TOOL_SCOPES, issuerScopes: ['openid'] })).toEqual(TOOL_SCOPES);
  });

  test('OAUTH_ADVERTISED_SCOPES wins in every profile, without offline_access', () => {
    for (const profile of ['neonpanel', 'standard'] as const) {
      expect(advertisedScopes({ profile, configured: ['openid', 'offline_access', 'profile'], toolScopes: TOOL_SCOPES, issuerScopes: ['openid'] })).toEqual(['openid', 'profile']);
    }
  });
});

test('describePolicy states the profile, audience rule, clients, map and advertised scopes', () => {
  const line = describePolicy({ profile: 'neonpanel', audiences: [BASE], map: { openid: '*' }, advertised: ['openid'] });
  expect(line).toEqual({
    profile: 'neonpanel',
    audience: `absent, a client id, or one of ${BASE}; a URL naming another resource is refused`,
    allowedClients: 'any',
    scopeMap: 'openid=*',
    advertisedScopes: 'openid',
  });
  expect(describePolicy({ profile: 'standard', audiences: [BASE], map: {}, advertised: ['read:inventory'] })['scopeMap']).toBe('none (token scopes apply as they are)');
});

describe('stepUpScopes (what a 403 insufficient_scope challenge asks for)', () => {
  test('the missing tool scope when the authorization server issues it (standard)', () => {
    expect(stepUpScopes(['read:inventory'], ['read:inventory', 'read:companies'], {})).toEqual(['read:inventory']);
  });
  test('under neonpanel, the issued scope that grants it: openid', () => {
    expect(stepUpScopes(['read:inventory'], ['openid'], { openid: '*' })).toEqual(['openid']);
    expect(stepUpScopes(['read:inventory'], ['openid', 'profile'], { openid: ['read:inventory'], profile: ['read:companies'] })).toEqual(['openid']);
  });
  test('the tool scope itself when nothing issued grants it', () => {
    expect(stepUpScopes(['write:import'], ['openid'], { openid: ['read:inventory'] })).toEqual(['write:import']);
  });
});
