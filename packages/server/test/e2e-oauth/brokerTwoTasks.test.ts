/**
 * Two tasks behind one public URL, sharing one Redis: a grant made through one works on the
 * other (oidc-provider's records and the vault live in the store, the keys are shared), and
 * when NeonPanel's token has expired, calls racing on both tasks refresh it once.
 */
import { decodeJwt } from 'jose';
import { loadConfig } from '../../src/config.js';
import { DEMO_USERS } from '../../src/dev/demoUsers.js';
import { brokerVault } from '../../src/auth/broker/broker.js';
import { callTool } from '../helpers/http.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { startBrokerStack, type BrokerStack } from './brokerStack.js';
import { brokerTokens } from './brokerFlow.js';

const alice = DEMO_USERS.find((u) => u.login === 'alice')!;

describe('broker mode on two tasks and one store', () => {
  let redis: TestRedis;
  let stack: BrokerStack;
  beforeAll(async () => {
    redis = await startRedis();
    stack = await startBrokerStack({ tasks: 2, env: { REDIS_URL: redis.url, BROKER_VAULT_CACHE_MS: '0' } });
  });
  afterAll(async () => {
    await stack.close();
    await redis.stop();
  });

  it('accepts on the second task a grant made on the first, and refreshes NeonPanel\'s token once in a race', async () => {
    const [first, second] = stack.taskUrls as [string, string];
    const signedIn = await brokerTokens(first, alice);
    const auth = `Bearer ${signedIn.accessToken}`;
    expect((await callTool(second, auth, 'neonpanel_companies_list')).status).toBe(200);
    // The refresh token made on the first task is redeemed on the second.
    const refreshed = await fetch(`${second}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', client_id: signedIn.client.client_id, refresh_token: signedIn.refreshToken }).toString(),
    });
    expect(refreshed.status).toBe(200);

    // NeonPanel's token expires (in the shared vault); then both tasks are called at once.
    const { vault } = brokerVault(loadConfig({ ...stack.env, PORT: '0' }), stack.servers[0]!.store);
    const grantId = String(decodeJwt(signedIn.accessToken)['grant_id']);
    const entry = (await vault.loadFresh(grantId))!;
    await vault.save(grantId, { ...entry, tokens: { ...entry.tokens, expiresAt: 0 } }, 60_000);
    const seenBefore = stack.upstreamBearers.length;
    const answers = await Promise.all([first, second, first, second, first, second].map((url) => callTool(url, auth, 'neonpanel_companies_list')));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);

    const used = new Set(stack.upstreamBearers.slice(seenBefore));
    const after = (await vault.loadFresh(grantId))!;
    // One refresh: every racing call used the one new token, which is what the vault holds now.
    expect([...used]).toEqual([after.tokens.accessToken]);
    expect(after.tokens.accessToken).not.toBe(entry.tokens.accessToken);
    expect(after.tokens.refreshToken).not.toBe(entry.tokens.refreshToken);
  });
});
