/**
 * Broker mode, complete flow with the 1.x SDK client using dynamic client registration:
 * 401 → discovery (PRM names the gateway) → DCR at the gateway → authorize → consent page →
 * NeonPanel sign-in (the development server playing NeonPanel) → callback → code exchange →
 * tools. The client only ever holds our token; NeonPanel's API only ever sees NeonPanel's.
 */
import { decodeJwt } from 'jose';
import { resourceIdentifiers } from '../../src/config.js';
import { DEMO_USERS } from '../../src/dev/demoUsers.js';
import { startBrokerStack, type BrokerStack } from './brokerStack.js';
import { connectWithOAuth, signingInProvider, structured } from './sdkClient.js';
import { recordingFetch, stepsInOrder } from './recordingFetch.js';

const alice = DEMO_USERS.find((u) => u.login === 'alice')!;

describe('broker mode: the 1.x SDK client with DCR', () => {
  let stack: BrokerStack;
  beforeAll(async () => {
    stack = await startBrokerStack();
  });
  afterAll(async () => {
    await stack.close();
  });

  it('signs in through consent and NeonPanel, calls tools, and never mixes the two tokens', async () => {
    const recorder = recordingFetch();
    const provider = signingInProvider(alice, recorder.fetch);
    const session = await connectWithOAuth('streamable-http', stack.mcpUrl, provider, recorder.fetch);
    try {
      const whoami = structured(await session.client.callTool({ name: 'neonpanel_whoami', arguments: {} }));
      expect(whoami['subject']).toBe(alice.subject);
      const companies = structured(await session.client.callTool({ name: 'neonpanel_companies_list', arguments: {} }));
      expect(Array.isArray(companies['companies'])).toBe(true);
    } finally {
      await session.close();
    }

    stepsInOrder(recorder.log, [
      { label: 'first MCP request is refused', url: stack.mcpUrl, status: 401 },
      { label: 'PRM at the gateway', url: `${stack.base}/.well-known/oauth-protected-resource`, status: 200 },
      { label: 'RFC 8414 metadata at the gateway', url: `${stack.base}/.well-known/oauth-authorization-server`, status: 200 },
      { label: 'registration at the gateway', url: `${stack.base}/oauth/register`, status: 201 },
      { label: 'token at the gateway', url: `${stack.base}/oauth/token`, grantType: 'authorization_code', status: 200 },
    ]);
    // The client holds our token: issued by the gateway, for the MCP resource, RFC 9068.
    const ours = provider.tokens()!.access_token;
    const claims = decodeJwt(ours);
    expect(claims).toMatchObject({ iss: stack.base, sub: alice.subject });
    // The 1.x SDK asks for the resource PRM names at the root: the base URL, one we advertise.
    expect(resourceIdentifiers(stack.base)).toContain(claims.aud);
    // NeonPanel's API saw NeonPanel's tokens only, never ours.
    expect(stack.upstreamBearers.length).toBeGreaterThan(0);
    expect(stack.upstreamBearers).not.toContain(ours);
    for (const bearer of stack.upstreamBearers) expect(decodeJwt(bearer).iss).toBe(stack.neonpanel.issuer);
    expect(stack.serverErrors).toEqual([]);
  });
});
