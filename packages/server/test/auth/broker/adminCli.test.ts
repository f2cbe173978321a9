/**
 * The operator's revoke-by-subject, against a server's Redis: after it, the user's tokens
 * are refused at the next request; another user's are not.
 */
import { DEMO_USERS } from '../../../src/dev/demoUsers.js';
import { runAdminCli } from '../../../src/auth/broker/adminCli.js';
import { callTool } from '../../helpers/http.js';
import { startRedis, type TestRedis } from '../../helpers/redis.js';
import { startBrokerStack, type BrokerStack } from '../../e2e-oauth/brokerStack.js';
import { brokerTokens } from '../../e2e-oauth/brokerFlow.js';

const [alice, bob] = [DEMO_USERS.find((u) => u.login === 'alice')!, DEMO_USERS.find((u) => u.login === 'bob')!];

describe('adminCli revoke --subject', () => {
  let redis: TestRedis;
  let stack: BrokerStack;
  beforeAll(async () => {
    redis = await startRedis();
    stack = await startBrokerStack({ env: { REDIS_URL: redis.url, BROKER_VAULT_CACHE_MS: '0' } });
  });
  afterAll(async () => {
    await stack.close();
    await redis.stop();
  });

  const run = async (args: string[], env = stack.env) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runAdminCli(args, { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: { ...env, PORT: '0' } });
    return { code, stdout: out.join(''), stderr: err.join('') };
  };

  it('revokes every grant of one NeonPanel user and no one else\'s', async () => {
    const first = await brokerTokens(stack.base, alice);
    const second = await brokerTokens(stack.base, alice);
    const other = await brokerTokens(stack.base, bob);
    const result = await run(['revoke', '--subject', alice.subject]);
    expect(result).toMatchObject({ code: 0, stdout: `revoked 2 grant(s) of subject ${alice.subject}\n` });
    expect(result.stdout).not.toContain(first.accessToken);
    expect((await callTool(stack.base, `Bearer ${first.accessToken}`)).status).toBe(401);
    expect((await callTool(stack.base, `Bearer ${second.accessToken}`)).status).toBe(401);
    expect((await callTool(stack.base, `Bearer ${other.accessToken}`)).status).toBe(200);
  });

  it('explains its usage, and refuses to run without the shared store', async () => {
    expect((await run(['revoke'])).code).toBe(2);
    expect((await run(['purge', '--subject', 'x'])).stderr).toContain('Usage');
    const { REDIS_URL: _drop, ...memoryOnly } = stack.env;
    expect(await run(['revoke', '--subject', 'x'], memoryOnly)).toMatchObject({ code: 1, stderr: expect.stringContaining('REDIS_URL') });
  });
});
