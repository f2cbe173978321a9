/**
 * Discovery of the authorization server's metadata: RFC 8414 first (path-inserted), then
 * OpenID; cached, refreshed in the background, stale-on-error; fail-fast while it is down.
 */
import {
  fetchedMetadataSource,
  jwksUriOf,
  metadataCandidates,
  MetadataUnavailableError,
  scopesSupportedOf,
} from '../../src/auth/authorizationServerMetadata.js';

const ISSUER = 'https://my.neonpanel.com';
const OIDC = { issuer: ISSUER, jwks_uri: `${ISSUER}/.well-known/jwks.json`, scopes_supported: ['openid'] };

/** A fake issuer: path → answer, recording every URL asked for. */
function fakeFetch(routes: Record<string, { status: number; body?: unknown } | 'network-error'>) {
  const asked: string[] = [];
  const fn = (async (input: string | URL | Request) => {
    const url = String(input);
    asked.push(url);
    const route = routes[url];
    if (route === 'network-error') throw new TypeError('fetch failed');
    if (!route) return new Response('not found', { status: 404 });
    return new Response(JSON.stringify(route.body ?? {}), { status: route.status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { fn, asked, routes };
}

describe('metadataCandidates', () => {
  test('RFC 8414 first, then OpenID; path-inserted for an issuer with a path', () => {
    expect(metadataCandidates(ISSUER)).toEqual([
      `${ISSUER}/.well-known/oauth-authorization-server`,
      `${ISSUER}/.well-known/openid-configuration`,
    ]);
    expect(metadataCandidates('https://auth.example.com/tenant1')).toEqual([
      'https://auth.example.com/.well-known/oauth-authorization-server/tenant1',
      'https://auth.example.com/.well-known/openid-configuration/tenant1',
      'https://auth.example.com/tenant1/.well-known/openid-configuration',
    ]);
  });
});

describe('fetchedMetadataSource', () => {
  test('falls back to OpenID discovery when there is no RFC 8414 document (NeonPanel)', async () => {
    const issuer = fakeFetch({ [`${ISSUER}/.well-known/openid-configuration`]: { status: 200, body: OIDC } });
    const source = fetchedMetadataSource({ issuer: ISSUER, timeoutMs: 1000, fetch: issuer.fn });
    const doc = await source.get();
    expect(jwksUriOf(doc)).toBe(`${ISSUER}/.well-known/jwks.json`);
    expect(scopesSupportedOf(doc)).toEqual(['openid']);
    expect(issuer.asked).toEqual([`${ISSUER}/.well-known/oauth-authorization-server`, `${ISSUER}/.well-known/openid-configuration`]);
    expect(source.status()).toMatchObject({ state: 'ok' });
  });

  test('refuses a document that names another issuer', async () => {
    const issuer = fakeFetch({ [`${ISSUER}/.well-known/openid-configuration`]: { status: 200, body: { ...OIDC, issuer: 'https://evil.example.com' } } });
    const source = fetchedMetadataSource({ issuer: ISSUER, timeoutMs: 1000, fetch: issuer.fn });
    await expect(source.get()).rejects.toThrow('the metadata names another issuer');
  });

  test('caches; after the TTL serves the copy and refreshes in the background; keeps it through an outage', async () => {
    let now = 1_000_000;
    const url = `${ISSUER}/.well-known/openid-configuration`;
    const issuer = fakeFetch({ [url]: { status: 200, body: OIDC } });
    const source = fetchedMetadataSource({ issuer: ISSUER, timeoutMs: 1000, ttlMs: 60_000, fetch: issuer.fn, now: () => now });
    await source.get();
    await source.get();
    expect(issuer.asked.filter((u) => u === url)).toHaveLength(1);

    now += 61_000;
    issuer.routes[url] = { status: 503 };
    const stale = await source.get(); // answered at once from the cache
    expect(stale['jwks_uri']).toBe(OIDC.jwks_uri);
    await new Promise((resolve) => setTimeout(resolve, 10)); // the background refresh fails
    expect(source.status()).toMatchObject({ state: 'stale', reason: 'the issuer answered HTTP 503' });
    expect(source.current()).toEqual(OIDC);

    issuer.routes[url] = { status: 200, body: { ...OIDC, scopes_supported: ['openid', 'read:inventory'] } };
    now += 10_000; // past the retry window
    await source.get();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(scopesSupportedOf(source.current())).toEqual(['openid', 'read:inventory']);
    expect(source.status()).toMatchObject({ state: 'ok' });
  });

  test('down at start-up: fails, then fails fast (no fetch) within the retry window, then recovers', async () => {
    let now = 0;
    const url = `${ISSUER}/.well-known/openid-configuration`;
    const issuer = fakeFetch({ [`${ISSUER}/.well-known/oauth-authorization-server`]: 'network-error', [url]: 'network-error' });
    const source = fetchedMetadataSource({ issuer: ISSUER, timeoutMs: 1000, retryAfterMs: 5_000, fetch: issuer.fn, now: () => now });
    await expect(source.get()).rejects.toBeInstanceOf(MetadataUnavailableError);
    expect(source.status()).toEqual({ state: 'pending', reason: 'the issuer could not be reached' });
    const asked = issuer.asked.length;
    await expect(source.get()).rejects.toThrow('the issuer could not be reached');
    expect(issuer.asked.length).toBe(asked);

    issuer.routes[url] = { status: 200, body: OIDC };
    now += 5_001;
    await expect(source.get()).resolves.toMatchObject({ issuer: ISSUER });
  });

  test('concurrent callers share one fetch', async () => {
    const issuer = fakeFetch({ [`${ISSUER}/.well-known/oauth-authorization-server`]: { status: 200, body: OIDC } });
    const source = fetchedMetadataSource({ issuer: ISSUER, timeoutMs: 1000, fetch: issuer.fn });
    await Promise.all([source.get(), source.get(), source.get()]);
    expect(issuer.asked).toHaveLength(1);
  });

  test('jwksUriOf refuses a document without a usable jwks_uri', () => {
    expect(() => jwksUriOf({ issuer: ISSUER })).toThrow('no usable jwks_uri');
    expect(() => jwksUriOf({ issuer: ISSUER, jwks_uri: 'ftp://x' })).toThrow(MetadataUnavailableError);
  });
});
