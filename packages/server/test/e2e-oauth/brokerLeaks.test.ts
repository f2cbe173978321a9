/**
 * No leaks in broker mode: after sign-in, tool calls, a NeonPanel refresh, our refresh and a
 * refused NeonPanel token, no token of ours or of NeonPanel's (access, refresh, ID, code)
 * appears in any log line (at trace level) or in any exported metric or span.
 */
import { Writable } from 'node:stream';
import { decodeJwt } from 'jose';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { DEMO_USERS } from '../../src/dev/demoUsers.js';
import { obtainToken } from '../../src/dev/authServer/index.js';
import { brokerVault } from '../../src/auth/broker/broker.js';
import { callTool } from '../helpers/http.js';
import { recordingTelemetry } from '../helpers/telemetry.js';
import { startBrokerStack, type BrokerStack } from './brokerStack.js';
import { brokerTokens, tokenRequest } from './brokerFlow.js';

const alice = DEMO_USERS.find((u) => u.login === 'alice')!;

describe('broker mode leak scan', () => {
  const lines: string[] = [];
  const rec = recordingTelemetry(1);
  let stack: BrokerStack;
  beforeAll(async () => {
    const sink = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
    stack = await startBrokerStack({ logger: createLogger('trace', sink), telemetry: rec.telemetry, env: { BROKER_VAULT_CACHE_MS: '0', TELEMETRY: 'console' } });
  });
  afterAll(async () => {
    await stack.close();
  });

  it('finds no token of ours or of NeonPanel\'s in logs or telemetry', async () => {
    const secrets: string[] = [];
    const signedIn = await brokerTokens(stack.base, alice, { scope: 'openid read:companies' });
    secrets.push(signedIn.accessToken, signedIn.refreshToken, String(signedIn.body['id_token']), signedIn.code);
    expect((await callTool(stack.base, `Bearer ${signedIn.accessToken}`, 'neonpanel_companies_list')).status).toBe(200);

    // NeonPanel's token expires: the next call refreshes it (its new tokens are secrets too).
    const { vault } = brokerVault(loadConfig({ ...stack.env, PORT: '0' }), stack.servers[0]!.store);
    const grantId = String(decodeJwt(signedIn.accessToken)['grant_id']);
    const before = (await vault.loadFresh(grantId))!;
    secrets.push(before.tokens.accessToken, before.tokens.refreshToken!);
    await vault.save(grantId, { ...before, tokens: { ...before.tokens, expiresAt: 0 } }, 60_000);
    expect((await callTool(stack.base, `Bearer ${signedIn.accessToken}`, 'neonpanel_companies_list')).status).toBe(200);
    const after = (await vault.loadFresh(grantId))!;
    secrets.push(after.tokens.accessToken, after.tokens.refreshToken!);
    expect(after.tokens.accessToken).not.toBe(before.tokens.accessToken);

    const rotated = await tokenRequest(stack.base, { grant_type: 'refresh_token', client_id: signedIn.client.client_id, refresh_token: signedIn.refreshToken });
    secrets.push(String(rotated.body['access_token']), String(rotated.body['refresh_token']));
    const neonpanel = await obtainToken({ issuer: stack.neonpanel.issuer, user: 'alice' });
    secrets.push(neonpanel.tokens.access_token);
    expect((await callTool(stack.base, `Bearer ${neonpanel.tokens.access_token}`)).status).toBe(401);
    secrets.push(...stack.upstreamBearers);

    const logs = lines.join('');
    const telemetry = await rec.exportedText();
    expect(lines.length).toBeGreaterThan(5); // the scan read something
    for (const secret of new Set(secrets)) {
      expect(secret.length).toBeGreaterThan(20);
      // A token's signature part is enough to find it, whole or cut.
      const tail = secret.slice(-24);
      expect(logs.includes(tail) ? `log line holds ${tail}` : 'clean').toBe('clean');
      expect(telemetry.includes(tail) ? `telemetry holds ${tail}` : 'clean').toBe('clean');
    }
  });
});
