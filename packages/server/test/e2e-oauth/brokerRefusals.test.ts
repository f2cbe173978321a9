/**
 * Broker mode refuses what the issue lists, each against the real stack (the development
 * server playing NeonPanel): foreign and wrongly shaped tokens at /mcp, unregistered
 * redirect URIs, a consent POST without its CSRF token, code and refresh-token replay, PKCE
 * missing or `plain`, a foreign `resource`, a tampered `state`, and NeonPanel refusing to
 * refresh.
 */
import { CookieJar } from 'tough-cookie';
import { decodeJwt, importJWK, SignJWT, type JWK } from 'jose';
import { loadConfig } from '../../src/config.js';
import { DEMO_USERS } from '../../src/dev/demoUsers.js';
import { obtainToken } from '../../src/dev/authServer/index.js';
import { brokerVault } from '../../src/auth/broker/broker.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { callTool, request } from '../helpers/http.js';
import { connectWithOAuth, signingInProvider } from './sdkClient.js';
import { startBrokerStack, type BrokerStack } from './brokerStack.js';
import { authorizationRequest, brokerTokens, publicClient, redeemCode, tokenRequest, type RegisteredClient } from './brokerFlow.js';

const alice = DEMO_USERS.find((u) => u.login === 'alice')!;

/** Walks a browser (cookies kept) from the authorization request to the broker's consent page. */
async function openConsent(base: string, client: RegisteredClient) {
  const { url } = authorizationRequest(base, client);
  const jar = new CookieJar();
  const get = async (target: URL) => {
    const answer = await fetch(target, { redirect: 'manual', headers: { cookie: await jar.getCookieString(target.href) } });
    for (const c of answer.headers.getSetCookie()) await jar.setCookie(c, target.href);
    return answer;
  };
  const consentUrl = new URL((await get(url)).headers.get('location')!, url);
  const page = await get(consentUrl);
  const html = await page.text();
  const action = new URL(/<form[^>]*id="consent-form"[^>]*action="([^"]+)"/.exec(html)![1]!, consentUrl);
  return {
    page,
    html,
    get,
    csrf: /name="csrf" value="([^"]+)"/.exec(html)![1]!,
    post: async (fields: Record<string, string>) => fetch(action, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: await jar.getCookieString(action.href) },
      body: new URLSearchParams(fields).toString(),
    }),
  };
}
const bearer = (token: string) => `Bearer ${token}`;

describe('broker mode refusals', () => {
  let stack: BrokerStack;
  beforeAll(async () => {
    // NeonPanel's tokens live 10 s, inside the broker's 30 s refresh margin: every upstream
    // call refreshes, so the refresh path runs without waiting for a clock.
    stack = await startBrokerStack({ upstreamAccessTokenTtlSeconds: 10, env: { BROKER_VAULT_CACHE_MS: '0' } });
  });
  afterAll(async () => {
    await stack.close();
  });

  it('answers a NeonPanel-issued access token at /mcp with 401 and our challenge', async () => {
    const neonpanel = await obtainToken({ issuer: stack.neonpanel.issuer, user: 'alice' });
    const answer = await callTool(stack.base, bearer(neonpanel.tokens.access_token));
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toContain(`resource_metadata="${stack.base}/.well-known/oauth-protected-resource"`);
    // …and its ID token too.
    expect((await callTool(stack.base, bearer(neonpanel.tokens.id_token!))).status).toBe(401);
  });

  it('refuses our own ID token, and our at+jwt for another audience', async () => {
    const signedIn = await brokerTokens(stack.base, alice, { scope: 'openid read:companies' });
    expect((await callTool(stack.base, bearer(signedIn.accessToken))).status).toBe(200);
    const idToken = String(signedIn.body['id_token']);
    expect(decodeJwt(idToken).iss).toBe(stack.base);
    expect((await callTool(stack.base, bearer(idToken))).status).toBe(401);

    // Signed with our own key, live grant, right issuer and type: only `aud` is wrong.
    const key = (JSON.parse(stack.env['BROKER_SIGNING_KEYS']!) as { keys: JWK[] }).keys[0]!;
    const claims = decodeJwt(signedIn.accessToken);
    const forged = await new SignJWT({ ...claims, aud: 'https://other-resource.example/mcp' })
      .setProtectedHeader({ alg: key.alg!, kid: key.kid!, typ: 'at+jwt' })
      .sign(await importJWK(key, key.alg));
    const answer = await callTool(stack.base, bearer(forged));
    expect(answer.status).toBe(401);
    expect(answer.body).toContain('not issued for this resource');
    // Everything right but the type: an ID-token-shaped JWT (typ JWT) is not an access token.
    const untyped = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: key.alg!, kid: key.kid!, typ: 'JWT' })
      .sign(await importJWK(key, key.alg));
    expect((await callTool(stack.base, bearer(untyped))).status).toBe(401);
    // …while the same claims as at+jwt pass: the refusal above is the type's alone.
    const retyped = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: key.alg!, kid: key.kid!, typ: 'at+jwt' })
      .sign(await importJWK(key, key.alg));
    expect((await callTool(stack.base, bearer(retyped))).status).toBe(200);
  });

  it('shows an error page, not a redirect, for an unregistered redirect_uri', async () => {
    const client = await publicClient(stack.base);
    const { url } = authorizationRequest(stack.base, client, { redirect_uri: 'https://attacker.example/callback' });
    const answer = await request(url.href);
    expect(answer.status).toBe(400);
    expect(answer.headers['location']).toBeUndefined();
    expect(answer.headers['content-type']).toContain('text/html');
    expect(answer.body).toContain('redirect_uri');
  });

  it('answers a consent POST without its CSRF token with 403', async () => {
    const consent = await openConsent(stack.base, await publicClient(stack.base));
    expect(consent.page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(consent.html).toContain('Broker test client');
    expect(consent.html).toContain('127.0.0.1:6274');
    expect((await consent.post({ decision: 'approve' })).status).toBe(403);
    expect((await consent.post({ decision: 'approve', csrf: `${consent.csrf}x` })).status).toBe(403);
    const approved = await consent.post({ decision: 'approve', csrf: consent.csrf });
    expect(approved.status).toBe(303);
    expect(approved.headers.get('location')).toContain(`${stack.neonpanel.issuer}/oauth2/authorize`);
  });

  it('answers an authorization-code replay with invalid_grant and revokes what the code gave', async () => {
    const signedIn = await brokerTokens(stack.base, alice);
    const replay = await redeemCode(stack.base, signedIn.client, signedIn.request, signedIn.code);
    expect(replay.status).toBe(400);
    expect(replay.body['error']).toBe('invalid_grant');
    expect((await callTool(stack.base, bearer(signedIn.accessToken))).status).toBe(401);
    const refresh = await tokenRequest(stack.base, { grant_type: 'refresh_token', client_id: signedIn.client.client_id, refresh_token: signedIn.refreshToken });
    expect(refresh.body['error']).toBe('invalid_grant');
  });

  it('rotates refresh tokens and revokes the grant when a spent one comes back', async () => {
    const signedIn = await brokerTokens(stack.base, alice);
    const refresh = (token: string) => tokenRequest(stack.base, { grant_type: 'refresh_token', client_id: signedIn.client.client_id, refresh_token: token });
    const rotated = await refresh(signedIn.refreshToken);
    expect(rotated.status).toBe(200);
    expect(rotated.body['refresh_token']).not.toBe(signedIn.refreshToken);
    const reused = await refresh(signedIn.refreshToken);
    expect(reused).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    // The whole grant is gone: the rotated refresh token and its access token too.
    expect((await refresh(String(rotated.body['refresh_token']))).body['error']).toBe('invalid_grant');
    expect((await callTool(stack.base, bearer(String(rotated.body['access_token'])))).status).toBe(401);
    // A refresh token that never existed is invalid_grant too, never a 500.
    expect((await refresh('not-a-refresh-token')).body['error']).toBe('invalid_grant');
  });

  it.each([
    ['no PKCE', { code_challenge: undefined, code_challenge_method: undefined }],
    ['PKCE plain', { code_challenge: 'x'.repeat(43), code_challenge_method: 'plain' }],
  ])('refuses an authorization request with %s', async (_label, params) => {
    const client = await publicClient(stack.base);
    const { url } = authorizationRequest(stack.base, client, params);
    const answer = await request(url.href);
    expect(answer.status).toBe(303);
    const back = new URL(answer.headers['location'] as string);
    expect(back.searchParams.get('error')).toBe('invalid_request');
    expect(back.searchParams.get('code')).toBeNull();
  });

  it('answers a foreign resource with invalid_target, and makes /mcp the resource when none is named', async () => {
    const client = await publicClient(stack.base);
    const { url } = authorizationRequest(stack.base, client, { resource: 'https://other-resource.example/mcp' });
    const answer = await request(url.href);
    expect(new URL(answer.headers['location'] as string).searchParams.get('error')).toBe('invalid_target');
    const defaulted = await brokerTokens(stack.base, alice);
    expect(decodeJwt(defaulted.accessToken).aud).toBe(`${stack.base}/mcp`);
  });

  it('refuses a tampered state at the NeonPanel callback', async () => {
    const answer = await request(`${stack.base}/oauth/neonpanel/callback?code=abc&state=not-a-state-we-made`);
    expect(answer.status).toBe(400);
    expect(answer.headers['location']).toBeUndefined();
    expect(answer.body).toContain('does not belong to a sign-in in progress');
  });

  it('passes NeonPanel\'s access_denied on to the client', async () => {
    const client = await publicClient(stack.base);
    const consent = await openConsent(stack.base, client);
    const toNeonPanel = new URL((await consent.post({ decision: 'approve', csrf: consent.csrf })).headers.get('location')!);
    // NeonPanel answers as it does when the person cancels: error=access_denied, our state.
    let url = new URL(`${stack.base}/oauth/neonpanel/callback?error=access_denied&state=${toNeonPanel.searchParams.get('state')}`);
    for (let hop = 0; hop < 5 && url.origin === stack.base; hop++) url = new URL((await consent.get(url)).headers.get('location')!, url);
    expect(`${url.origin}${url.pathname}`).toBe(client.redirect_uris[0]);
    expect(url.searchParams.get('error')).toBe('access_denied');
    expect(url.searchParams.get('iss')).toBe(stack.base);
    // The state was taken once: the same answer again is refused, at either step.
    const again = await consent.get(new URL(`${stack.base}/oauth/neonpanel/callback?error=access_denied&state=${toNeonPanel.searchParams.get('state')}`));
    expect(again.status).toBe(400);
  });

  it('revokes the grant when NeonPanel refuses to refresh, and the next call gets 401 with our challenge', async () => {
    const signedIn = await brokerTokens(stack.base, alice);
    expect((await callTool(stack.base, bearer(signedIn.accessToken), 'neonpanel_companies_list')).status).toBe(200);
    // NeonPanel forgets the refresh token: overwrite it in the vault with one it never issued.
    const { vault } = brokerVault(loadConfig({ ...stack.env, PORT: '0' }), stack.servers[0]!.store);
    const grantId = String(decodeJwt(signedIn.accessToken)['grant_id']);
    const entry = (await vault.loadFresh(grantId))!;
    await vault.save(grantId, { ...entry, tokens: { ...entry.tokens, refreshToken: 'revoked-at-neonpanel', expiresAt: 0 } }, 60_000);

    const refused = await callTool(stack.base, bearer(signedIn.accessToken), 'neonpanel_companies_list');
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toContain('error="invalid_token"');
    const next = await callTool(stack.base, bearer(signedIn.accessToken));
    expect(next.status).toBe(401);
    expect(next.headers['www-authenticate']).toContain(`resource_metadata="${stack.base}/.well-known/oauth-protected-resource"`);
    expect(await vault.loadFresh(grantId)).toBeUndefined();
  });

  it('revokes the grant when NeonPanel\'s API answers 401 to the grant\'s token', async () => {
    const signedIn = await brokerTokens(stack.base, alice);
    const { vault } = brokerVault(loadConfig({ ...stack.env, PORT: '0' }), stack.servers[0]!.store);
    const grantId = String(decodeJwt(signedIn.accessToken)['grant_id']);
    const entry = (await vault.loadFresh(grantId))!;
    // A token NeonPanel no longer accepts, not yet expired by our clock: no refresh is tried.
    await vault.save(grantId, { ...entry, tokens: { ...entry.tokens, accessToken: 'revoked-at-neonpanel', expiresAt: Date.now() + 3_600_000 } }, 60_000);
    expect((await callTool(stack.base, bearer(signedIn.accessToken), 'neonpanel_companies_list')).status).toBe(401);
    expect(await vault.loadFresh(grantId)).toBeUndefined();
    expect((await callTool(stack.base, bearer(signedIn.accessToken))).status).toBe(401);
  });

  it('answers an MCP tool call whose NeonPanel refresh fails with a result carrying our challenge in _meta', async () => {
    const provider = signingInProvider(alice, fetch);
    const session = await connectWithOAuth('streamable-http', stack.mcpUrl, provider, fetch);
    try {
      const ours = provider.tokens()!.access_token;
      const { vault } = brokerVault(loadConfig({ ...stack.env, PORT: '0' }), stack.servers[0]!.store);
      const grantId = String(decodeJwt(ours)['grant_id']);
      const entry = (await vault.loadFresh(grantId))!;
      await vault.save(grantId, { ...entry, tokens: { ...entry.tokens, refreshToken: 'revoked-at-neonpanel', expiresAt: 0 } }, 60_000);
      const result = await session.client.callTool({ name: 'neonpanel_companies_list', arguments: {} }) as CallToolResult;
      expect(result.isError).toBe(true);
      const challenges = (result._meta?.['mcp/www_authenticate'] ?? []) as string[];
      expect(challenges[0]).toContain('error="invalid_token"');
      expect(challenges[0]).toContain(`resource_metadata="${stack.base}/.well-known/oauth-protected-resource`);
      // The grant is gone: the same token is now refused at the door.
      expect((await callTool(stack.base, bearer(ours))).status).toBe(401);
    } finally {
      await session.close().catch(() => undefined);
    }
  });
});
