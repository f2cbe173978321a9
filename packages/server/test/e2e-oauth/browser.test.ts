/**
 * A real browser does the sign-in and consent, as a person would: headless Chromium (Debian's
 * `chromium`, driven by playwright-core) opens the authorization URL the MCP SDK built, types
 * a wrong password and then the right one, reads the consent page and clicks Approve; the
 * authorization server redirects it to the client's loopback callback, the SDK exchanges the
 * code (PKCE) and the client calls tools.
 *
 * Without /usr/bin/chromium this test fails and says how to install it; it never skips.
 */
import type { Browser, Page } from 'playwright-core';
import { decodeJwt } from 'jose';
import { DEFAULT_SCOPES } from '../../src/config.js';
import { demoUserByLogin } from '../../src/dev/demoUsers.js';
import { startE2eStack, type E2eStack } from './stack.js';
import { recordingFetch, stepsInOrder } from './recordingFetch.js';
import { MemoryOAuthProvider } from './memoryOAuthProvider.js';
import { connectWithOAuth, structured, type AuthorizedClient } from './sdkClient.js';
import { startLoopbackCallback, type LoopbackCallback } from './loopbackCallback.js';
import { launchChromium } from './chromium.js';

const bob = demoUserByLogin('bob')!;
const CLIENT_NAME = 'NeonPanel e2e browser client';

let stack: E2eStack;
let callback: LoopbackCallback;
let browser: Browser | undefined;
let connected: AuthorizedClient | undefined;

beforeAll(async () => {
  stack = await startE2eStack();
  callback = await startLoopbackCallback();
}, 20_000);

afterAll(async () => {
  await connected?.close();
  await browser?.close();
  await callback?.close();
  await stack?.close();
}, 15_000);

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** What the person saw on the way, for the assertions after the flow. */
interface Seen {
  signInClientName?: string | null;
  signInError?: string | null;
  consentUser?: string | null;
  consentRequested?: string[];
  consentUnavailable?: string[];
  landedOn?: string;
}

/** Plays the person in the page, from the authorization URL to the redirect back. */
async function signInAndApprove(page: Page, authorizationUrl: URL, seen: Seen): Promise<URLSearchParams> {
  const arrived = callback.next();
  await page.goto(authorizationUrl.href);

  // Sign-in page: first a typo, then the right password.
  await page.locator('#login-form').waitFor();
  seen.signInClientName = await page.locator('#client-name').textContent();
  await page.locator('#login').fill(bob.login);
  await page.locator('#password').fill('not-bobs-password');
  await page.locator('#sign-in').click();
  await page.locator('#error').waitFor();
  seen.signInError = await page.locator('#error').textContent();
  await page.locator('#password').fill(bob.password);
  await page.locator('#sign-in').click();

  // Consent page.
  await page.locator('#consent-form').waitFor();
  seen.consentUser = await page.locator('#user-name').textContent();
  seen.consentRequested = (await page.locator('#requested-scopes code').allTextContents()).sort();
  seen.consentUnavailable = (await page.locator('#unavailable-scopes code').allTextContents()).sort();
  await page.locator('#approve').click();

  const params = await within(arrived, 10_000, 'The redirect to the loopback callback');
  await page.locator('#done').waitFor();
  seen.landedOn = `${new URL(page.url()).origin}${new URL(page.url()).pathname}`;
  return params;
}

it('signs in and consents in headless Chromium, then the SDK client calls tools', async () => {
  browser = await launchChromium();
  const page = await (await browser.newContext()).newPage();
  page.setDefaultTimeout(10_000);

  const recorder = recordingFetch();
  const seen: Seen = {};
  const provider = new MemoryOAuthProvider({
    redirectUrl: callback.redirectUri,
    clientName: CLIENT_NAME,
    onRedirect: async (authorizationUrl) => {
      const params = await signInAndApprove(page, authorizationUrl, seen);
      const answer: { code?: string; state?: string; error?: string } = {};
      for (const key of ['code', 'state', 'error'] as const) {
        const value = params.get(key);
        if (value !== null) answer[key] = value;
      }
      return answer;
    },
  });

  connected = await connectWithOAuth('streamable-http', stack.mcpUrl, provider, recorder.fetch);

  // What the person saw.
  expect(seen.signInClientName).toBe(CLIENT_NAME);
  expect(seen.signInError).toBe('Unknown username or wrong password.');
  expect(seen.consentUser).toBe(bob.name);
  // The SDK asked for every scope the server advertises; bob may grant only his own.
  expect(seen.consentRequested).toEqual([...bob.scopes].sort());
  expect(seen.consentUnavailable).toEqual(DEFAULT_SCOPES.filter((s) => !bob.scopes.includes(s)).sort());
  expect(seen.landedOn).toBe(callback.redirectUri);

  // The code came back to the loopback callback and was exchanged by the SDK, with PKCE.
  const authorizationUrl = provider.authorizationUrls[0]!;
  expect(authorizationUrl.searchParams.get('redirect_uri')).toBe(callback.redirectUri);
  expect(authorizationUrl.searchParams.get('code_challenge_method')).toBe('S256');
  stepsInOrder(recorder.log, [
    { label: 'POST /mcp refused', method: 'POST', url: stack.mcpUrl, status: 401 },
    { label: 'registration', method: 'POST', url: `${stack.as.issuer}/reg`, status: 201 },
    { label: 'code exchanged', method: 'POST', url: `${stack.as.issuer}/token`, status: 200, grantType: 'authorization_code' },
    { label: 'POST /mcp accepted', method: 'POST', url: stack.mcpUrl, status: 200 },
  ]);
  // The browser, not the test's fetch, talked to the authorization and sign-in endpoints.
  expect(recorder.log.filter((e) => e.url.startsWith(`${stack.as.issuer}/auth`) || e.url.includes('/interaction/'))).toEqual([]);

  const claims = decodeJwt(provider.tokens()!.access_token);
  expect(claims.sub).toBe(bob.subject);
  expect(String(claims['scope']).split(' ').sort()).toEqual([...bob.scopes].sort());

  const { client } = connected;
  const whoami = structured(await client.callTool({ name: 'neonpanel_whoami', arguments: {} }));
  expect(whoami['subject']).toBe(bob.subject);
  const companies = structured(await client.callTool({ name: 'neonpanel_companies_list', arguments: {} }));
  expect((companies['companies'] as Array<{ uuid: string }>).map((c) => c.uuid)).toEqual(bob.companies);
  expect(stack.serverErrors).toEqual([]);
}, 45_000);

it('under the neonpanel profile: the same sign-in in Chromium asks only for openid, and the SDK client calls tools', async () => {
  const npStack = await startE2eStack({ profile: 'neonpanel' });
  let npClient: AuthorizedClient | undefined;
  try {
    browser ??= await launchChromium();
    const page = await (await browser.newContext()).newPage();
    page.setDefaultTimeout(10_000);
    const seen: Seen = {};
    const provider = new MemoryOAuthProvider({
      redirectUrl: callback.redirectUri,
      clientName: CLIENT_NAME,
      onRedirect: async (authorizationUrl) => {
        const params = await signInAndApprove(page, authorizationUrl, seen);
        return { ...(params.get('code') ? { code: params.get('code')! } : {}), ...(params.get('state') ? { state: params.get('state')! } : {}) };
      },
    });
    npClient = await connectWithOAuth('streamable-http', npStack.mcpUrl, provider, fetch);

    expect(seen.consentUser).toBe(bob.name);
    expect(seen.consentRequested).toEqual(['openid']);
    expect(seen.consentUnavailable).toEqual([]);
    const authorizationUrl = provider.authorizationUrls[0]!;
    expect(`${authorizationUrl.origin}${authorizationUrl.pathname}`).toBe(`${npStack.as.issuer}/oauth2/authorize`);
    const claims = decodeJwt(provider.tokens()!.access_token);
    expect(claims).toMatchObject({ sub: bob.subject, scope: 'openid', aud: provider.clientInformation()!.client_id });

    const companies = structured(await npClient.client.callTool({ name: 'neonpanel_companies_list', arguments: {} }));
    expect((companies['companies'] as Array<{ uuid: string }>).map((c) => c.uuid)).toEqual(bob.companies);
    expect(npStack.serverErrors).toEqual([]);
  } finally {
    await npClient?.close();
    await npStack.close();
  }
}, 45_000);
