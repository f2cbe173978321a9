/**
 * How clients are known to the broker, and what it lets them do: pre-registered clients from
 * BROKER_CLIENTS; dynamic registration limited per source address; a loopback redirect URI
 * matching on any port (RFC 8252 §7.3) while every other one matches exactly; RFC 7009
 * revocation ending the grant; and the consent cookie's attributes on https.
 */
import { decodeJwt } from 'jose';
import { DEMO_USERS } from '../../src/dev/demoUsers.js';
import { consentCookieHeader } from '../../src/auth/broker/consentCookie.js';
import { callTool, request } from '../helpers/http.js';
import { startBrokerStack, type BrokerStack } from './brokerStack.js';
import { authorizationRequest, BROKER_TEST_REDIRECT, brokerTokens, redeemCode, registerClient, signIn, tokenRequest } from './brokerFlow.js';

const alice = DEMO_USERS.find((u) => u.login === 'alice')!;
const PRE_REGISTERED = { client_id: 'pre-registered-cli', client_name: 'Pre-registered CLI', redirect_uris: ['http://127.0.0.1/callback'], grant_types: ['authorization_code', 'refresh_token'] };

describe('broker clients', () => {
  let stack: BrokerStack;
  beforeAll(async () => {
    stack = await startBrokerStack({ env: { BROKER_REGISTRATIONS_PER_HOUR: '4', BROKER_CLIENTS: JSON.stringify([PRE_REGISTERED]) } });
  });
  afterAll(async () => {
    await stack.close();
  });

  it('signs in a pre-registered client, on any loopback port of its redirect URI', async () => {
    const client = { client_id: PRE_REGISTERED.client_id, redirect_uris: ['http://127.0.0.1:50123/callback'] };
    const authorization = authorizationRequest(stack.base, client);
    const answer = await signIn(authorization, alice);
    expect(answer.code).toBeDefined();
    const tokens = await redeemCode(stack.base, client, authorization, answer.code!);
    expect(tokens.status).toBe(200);
    expect(decodeJwt(String(tokens.body['access_token'])).client_id).toBe(PRE_REGISTERED.client_id);
    // Another path on loopback, or another host, is not the registered URI.
    for (const redirect of ['http://127.0.0.1:50123/elsewhere', 'http://localhost:50123/callback']) {
      const refused = await request(authorizationRequest(stack.base, client, { redirect_uri: redirect }).url.href);
      expect(refused.status).toBe(400);
      expect(refused.headers['location']).toBeUndefined();
    }
  });

  it('matches a non-loopback redirect URI exactly', async () => {
    const registered = await registerClient(stack.base, ['https://client.example/callback']);
    expect(registered.status).toBe(201);
    const client = registered.body as unknown as { client_id: string; redirect_uris: string[] };
    const refused = await request(authorizationRequest(stack.base, client, { redirect_uri: 'https://client.example:8443/callback' }).url.href);
    expect(refused.status).toBe(400);
    expect(refused.headers['location']).toBeUndefined();
  });

  it('ends the grant on RFC 7009 revocation of its refresh token', async () => {
    const signedIn = await brokerTokens(stack.base, alice);
    const revoked = await fetch(`${stack.base}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: signedIn.refreshToken, client_id: signedIn.client.client_id }).toString(),
    });
    expect(revoked.status).toBe(200);
    expect((await callTool(stack.base, `Bearer ${signedIn.accessToken}`)).status).toBe(401);
    const refresh = await tokenRequest(stack.base, { grant_type: 'refresh_token', client_id: signedIn.client.client_id, refresh_token: signedIn.refreshToken });
    expect(refresh.body['error']).toBe('invalid_grant');
  });

  it('limits dynamic registrations per source address, and refuses bad redirect URIs', async () => {
    expect((await registerClient(stack.base, ['http://attacker.example/callback'])).body['error']).toBe('invalid_redirect_uri');
    expect((await registerClient(stack.base, ['javascript:alert(1)'])).body['error']).toBe('invalid_redirect_uri');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await registerClient(stack.base, [BROKER_TEST_REDIRECT])).status);
    // Four per hour in this stack, some already spent by the tests above.
    expect(statuses).toContain(429);
    expect(statuses.slice(statuses.indexOf(429))).toEqual(statuses.slice(statuses.indexOf(429)).map(() => 429));
  });

  it('names its own endpoints, not NeonPanel\'s, in the plugin manifest', async () => {
    const plugin = JSON.parse((await request(`${stack.base}/.well-known/ai-plugin.json`)).body) as { auth: Record<string, string> };
    expect(plugin.auth['client_url']).toBe(`${stack.base}/oauth/authorize`);
    expect(plugin.auth['authorization_url']).toBe(`${stack.base}/oauth/token`);
  });

  it('marks the consent cookie __Host-, Secure, HttpOnly and SameSite=Lax on https', () => {
    const header = consentCookieHeader(true, 'v', 600);
    expect(header).toMatch(/^__Host-[^=]+=v; /);
    for (const attribute of ['Path=/', 'Secure', 'HttpOnly', 'SameSite=Lax']) expect(header.split('; ')).toContain(attribute);
    expect(header).not.toContain('Domain=');
  });
});
