/**
 * Broker mode with Client ID Metadata Documents: the v2 SDK client names an https URL as its
 * client_id, the broker fetches the document (served by this test on loopback, under the
 * test-only allowance), signs the person in and the client calls tools. And the refusals:
 * a document whose client_id is not its URL; a loopback URL without the allowance (never
 * fetched); special-use addresses in general.
 */
import { decodeJwt } from 'jose';
import { loadConfig } from '../../src/config.js';
import { DEMO_USERS } from '../../src/dev/demoUsers.js';
import { cimdFetchAllowed } from '../../src/auth/broker/cimdPolicy.js';
import { completeAuthorization } from '../../src/dev/authServer/index.js';
import { request } from '../helpers/http.js';
import { startBrokerStack, type BrokerStack } from './brokerStack.js';
import { startCimdServer, type CimdServer } from './cimdServer.js';
import { MemoryOAuthProvider } from './memoryOAuthProvider.js';
import { E2E_REDIRECT_URI, structured } from './sdkClient.js';
import { connectV2WithOAuth } from './v2Client.js';
import { authorizationRequest } from './brokerFlow.js';

const alice = DEMO_USERS.find((u) => u.login === 'alice')!;

const clientDocument = (url: string) => ({
  client_id: url,
  client_name: 'CIMD test client',
  redirect_uris: [E2E_REDIRECT_URI],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'none',
});

class CimdProvider extends MemoryOAuthProvider {
  constructor(readonly clientMetadataUrl: string) {
    super({
      redirectUrl: E2E_REDIRECT_URI,
      onRedirect: (url) => completeAuthorization(url, { redirectUri: E2E_REDIRECT_URI, login: alice.login, password: alice.password }),
    });
  }
}

describe('broker mode with Client ID Metadata Documents', () => {
  let cimd: CimdServer;
  let stack: BrokerStack;
  let strict: BrokerStack;
  beforeAll(async () => {
    cimd = await startCimdServer();
    stack = await startBrokerStack({ env: { BROKER_CIMD_ALLOW_LOOPBACK: 'true' } });
    strict = await startBrokerStack();
  });
  afterAll(async () => {
    await Promise.all([stack.close(), strict.close()]);
    await cimd.close();
  });

  it('signs the v2 SDK client in with its metadata document URL as client_id, and it calls tools', async () => {
    const url = cimd.serve('/clients/v2.json', clientDocument);
    const registrations: string[] = [];
    const fetchFn: typeof fetch = async (input, init) => {
      if (String(input instanceof Request ? input.url : input).endsWith('/oauth/register')) registrations.push(String(input));
      return fetch(input, init);
    };
    const provider = new CimdProvider(url);
    const session = await connectV2WithOAuth(stack.mcpUrl, provider, fetchFn);
    try {
      const whoami = structured(await session.client.callTool({ name: 'neonpanel_whoami', arguments: {} }));
      expect(whoami['clientId']).toBe(url);
      structured(await session.client.callTool({ name: 'neonpanel_companies_list', arguments: {} }));
    } finally {
      await session.close();
    }
    expect(registrations).toEqual([]); // no DCR: the document is the registration
    const ours = provider.tokens()!.access_token;
    expect(decodeJwt(ours)).toMatchObject({ iss: stack.base, client_id: url });
    expect(stack.upstreamBearers).not.toContain(ours);
    for (const bearer of stack.upstreamBearers) expect(decodeJwt(bearer).iss).toBe(stack.neonpanel.issuer);
  });

  it('refuses a document whose client_id is not its own URL', async () => {
    const url = cimd.serve('/clients/liar.json', () => clientDocument('https://someone-else.example/client.json'));
    const { url: authorize } = authorizationRequest(stack.base, { client_id: url, redirect_uris: [E2E_REDIRECT_URI] });
    const answer = await request(authorize.href);
    expect(answer.status).toBe(400);
    expect(answer.headers['location']).toBeUndefined();
    expect(answer.body).toContain('client_id');
  });

  it('never fetches a loopback document without the test-only allowance', async () => {
    const url = cimd.serve('/clients/strict.json', clientDocument);
    const before = cimd.fetches;
    const { url: authorize } = authorizationRequest(strict.base, { client_id: url, redirect_uris: [E2E_REDIRECT_URI] });
    const answer = await request(authorize.href);
    expect(answer.status).toBe(400);
    expect(answer.headers['location']).toBeUndefined();
    expect(cimd.fetches).toBe(before);
  });

  it('refuses special-use addresses after DNS resolution, and anything but https', async () => {
    const resolvingTo = (...addresses: string[]) => ({ allowLoopback: false, resolve: async () => addresses });
    for (const address of ['127.0.0.1', '10.1.2.3', '172.16.0.9', '192.168.1.1', '169.254.169.254', '100.64.0.1', '::1', 'fd00::1', 'fe80::1', '::ffff:10.0.0.1', '0.0.0.0']) {
      expect(await cimdFetchAllowed('https://client.example/metadata.json', resolvingTo(address))).toBe(false);
    }
    // One bad address among good ones is enough to refuse.
    expect(await cimdFetchAllowed('https://client.example/m.json', resolvingTo('93.184.215.14', '10.0.0.1'))).toBe(false);
    expect(await cimdFetchAllowed('https://client.example/m.json', resolvingTo('93.184.215.14'))).toBe(true);
    expect(await cimdFetchAllowed('https://169.254.169.254/latest/meta-data', { allowLoopback: true })).toBe(false);
    expect(await cimdFetchAllowed('http://client.example/m.json', resolvingTo('93.184.215.14'))).toBe(false);
    // The allowance admits loopback only, never private or metadata addresses.
    expect(await cimdFetchAllowed('https://client.example/m.json', { allowLoopback: true, resolve: async () => ['127.0.0.1'] })).toBe(true);
    expect(await cimdFetchAllowed('https://client.example/m.json', { allowLoopback: true, resolve: async () => ['10.0.0.1'] })).toBe(false);
  });

  it('does not let production turn the loopback allowance on', () => {
    expect(() => loadConfig({ ...stack.env, NODE_ENV: 'production', BROKER_CIMD_ALLOW_LOOPBACK: 'true' })).toThrow(/BROKER_CIMD_ALLOW_LOOPBACK/);
  });
});
