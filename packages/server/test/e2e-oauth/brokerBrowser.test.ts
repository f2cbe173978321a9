/**
 * Broker mode with a person in Debian's Chromium: the SDK client's authorization URL opens
 * the broker's consent page (client name, redirect host, scopes), Continue leads to
 * NeonPanel's sign-in (the development server playing it), and the browser comes back to the
 * client's loopback callback; the client calls tools. A second sign-in of the same client in
 * the same browser skips the consent page (remembered per user, client and redirect URI);
 * a new client is always asked.
 *
 * Without /usr/bin/chromium this test fails and says how to install it; it never skips.
 */
import type { Browser, Page } from 'playwright-core';
import { decodeJwt } from 'jose';
import { demoUserByLogin } from '../../src/dev/demoUsers.js';
import { startBrokerStack, type BrokerStack } from './brokerStack.js';
import { MemoryOAuthProvider } from './memoryOAuthProvider.js';
import { connectWithOAuth, structured, type AuthorizedClient } from './sdkClient.js';
import { startLoopbackCallback, type LoopbackCallback } from './loopbackCallback.js';
import { launchChromium } from './chromium.js';

const bob = demoUserByLogin('bob')!;

let stack: BrokerStack;
let callback: LoopbackCallback;
let browser: Browser | undefined;
const clients: AuthorizedClient[] = [];

beforeAll(async () => {
  stack = await startBrokerStack();
  callback = await startLoopbackCallback();
}, 20_000);
afterAll(async () => {
  for (const c of clients) await c.close();
  await browser?.close();
  await callback?.close();
  await stack?.close();
}, 15_000);

interface Seen {
  consentPages: number;
  clientName?: string | null;
  redirectHost?: string | null;
  scopes?: string[];
  signedInAtNeonPanel: boolean;
}

/** Clicks and waits until the browser is on another page. */
async function leaveBy(page: Page, button: string): Promise<void> {
  const before = page.url();
  await page.locator(button).click();
  await page.waitForURL((u) => u.href !== before);
}

/** Plays the person: the broker's consent page when it comes, NeonPanel's sign-in when it comes. */
async function person(page: Page, authorizationUrl: URL, seen: Seen): Promise<URLSearchParams> {
  const arrived = callback.next();
  await page.goto(authorizationUrl.href);
  for (let step = 0; step < 6; step++) {
    const form = await Promise.race([
      arrived.then(() => 'done' as const),
      page.locator('#consent-form, #login-form').first().waitFor().catch(async (e: unknown) => {
        throw new Error(`${String(e)}\nat ${page.url()}:\n${(await page.content()).replace(/<style>[^]*<\/style>/, "").slice(0, 900)}`);
      }).then(async () => ((await page.locator('#login-form').count()) ? 'login' as const : 'consent' as const)),
    ]);
    if (form === 'done') break;
    const onBroker = page.url().startsWith(stack.base);
    if (form === 'consent' && onBroker) {
      seen.consentPages++;
      seen.clientName = await page.locator('#client-name').textContent();
      seen.redirectHost = await page.locator('#redirect-host').textContent();
      seen.scopes = (await page.locator('#requested-scopes code').allTextContents()).sort();
      await leaveBy(page, '#approve');
    } else if (form === 'login') {
      seen.signedInAtNeonPanel = true;
      await page.locator('#login').fill(bob.login);
      await page.locator('#password').fill(bob.password);
      await leaveBy(page, '#sign-in');
    } else {
      await leaveBy(page, '#approve');
    }
  }
  return arrived;
}

function providerFor(page: Page, seen: Seen, clientName: string) {
  return new MemoryOAuthProvider({
    redirectUrl: callback.redirectUri,
    clientName,
    onRedirect: async (url) => {
      const params = await person(page, url, seen);
      return { ...(params.get('code') ? { code: params.get('code')! } : {}), ...(params.get('state') ? { state: params.get('state')! } : {}), ...(params.get('iss') ? { iss: params.get('iss')! } : {}) };
    },
  });
}

it('signs a person in through the consent page and NeonPanel, remembers the consent for that client only', async () => {
  browser = await launchChromium();
  const page = await (await browser.newContext()).newPage();
  page.setDefaultTimeout(10_000);

  const first: Seen = { consentPages: 0, signedInAtNeonPanel: false };
  const provider = providerFor(page, first, 'Broker browser client');
  const connected = await connectWithOAuth('streamable-http', stack.mcpUrl, provider, fetch);
  clients.push(connected);
  expect(first).toMatchObject({ consentPages: 1, clientName: 'Broker browser client', redirectHost: new URL(callback.redirectUri).host, signedInAtNeonPanel: true });
  expect(first.scopes!.length).toBeGreaterThan(0);
  const companies = structured(await connected.client.callTool({ name: 'neonpanel_companies_list', arguments: {} }));
  expect((companies['companies'] as Array<{ uuid: string }>).map((c) => c.uuid)).toEqual(bob.companies);
  const ours = provider.tokens()!.access_token;
  expect(decodeJwt(ours).iss).toBe(stack.base);
  expect(stack.upstreamBearers).not.toContain(ours);

  // The same client signs in again in this browser: no consent page this time.
  const again: Seen = { consentPages: 0, signedInAtNeonPanel: false };
  const sameClient = providerFor(page, again, 'Broker browser client');
  sameClient.saveClientInformation(provider.clientInformation()!);
  clients.push(await connectWithOAuth('streamable-http', stack.mcpUrl, sameClient, fetch));
  expect(again.consentPages).toBe(0);

  // A new client is always asked.
  const other: Seen = { consentPages: 0, signedInAtNeonPanel: false };
  clients.push(await connectWithOAuth('streamable-http', stack.mcpUrl, providerFor(page, other, 'Another client'), fetch));
  expect(other).toMatchObject({ consentPages: 1, clientName: 'Another client' });
  expect(stack.serverErrors).toEqual([]);
}, 60_000);
