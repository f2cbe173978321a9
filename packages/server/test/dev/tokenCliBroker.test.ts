/**
 * `pnpm token` in broker mode (the `pnpm dev` default): it signs in at the MCP server itself,
 * through the broker's consent page and NeonPanel's sign-in, and prints the broker's token.
 */
import { decodeJwt } from 'jose';
import { runTokenCli } from '../../src/dev/authServer/tokenCli.js';
import { startBrokerStack, type BrokerStack } from '../e2e-oauth/brokerStack.js';

describe('pnpm token in broker mode', () => {
  let stack: BrokerStack;
  beforeAll(async () => {
    stack = await startBrokerStack();
  });
  afterAll(async () => {
    await stack.close();
  });

  it('prints the broker\'s at+jwt for the MCP resource, found from PORT', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const port = new URL(stack.base).port;
    const code = await runTokenCli(['--user', 'bob', '--scope', 'read:companies'], { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: { PORT: port } });
    expect({ code, err: err.join('') }).toMatchObject({ code: 0 });
    const claims = decodeJwt(out.join('').trim());
    expect(claims).toMatchObject({ iss: stack.base, aud: `${stack.base}/mcp`, scope: 'read:companies', sub: 'user-bob-0002' });
  });
});
