/**
 * Consent is remembered server-side per NeonPanel user, client and redirect URI: the same
 * client signing in again in the same browser is not asked again; a new client always is.
 */
import { CookieJar } from 'tough-cookie';
import { DEMO_USERS } from '../../src/dev/demoUsers.js';
import { completeAuthorization } from '../../src/dev/authServer/index.js';
import { startBrokerStack, type BrokerStack } from './brokerStack.js';
import { authorizationRequest, publicClient, redeemCode } from './brokerFlow.js';

const alice = DEMO_USERS.find((u) => u.login === 'alice')!;

describe('remembered consent', () => {
  let stack: BrokerStack;
  beforeAll(async () => {
    stack = await startBrokerStack();
  });
  afterAll(async () => {
    await stack.close();
  });

  it('asks a returning client once, and every new client', async () => {
    const jar = new CookieJar();
    const consentPagesOf = async (client: Awaited<ReturnType<typeof publicClient>>) => {
      const request = authorizationRequest(stack.base, client);
      let pages = 0;
      const answer = await completeAuthorization(request.url, {
        redirectUri: request.redirectUri, login: alice.login, password: alice.password, jar,
        onPage: ({ url, html }) => {
          if (url.origin === stack.base && html.includes('id="consent-form"')) pages++;
        },
      });
      if (!answer.code) throw new Error(`no code: ${answer.error} ${answer.errorDescription}`);
      expect((await redeemCode(stack.base, client, request, answer.code)).status).toBe(200);
      return pages;
    };
    const first = await publicClient(stack.base);
    expect(await consentPagesOf(first)).toBe(1);
    expect(await consentPagesOf(first)).toBe(0);
    const second = await publicClient(stack.base);
    expect(await consentPagesOf(second)).toBe(1);
    expect(await consentPagesOf(second)).toBe(0);
    expect(stack.serverErrors).toEqual([]);
  });
});
