/**
 * The MCP SDK's OAuth orchestrator (`auth()` from @modelcontextprotocol/sdk/client/auth.js)
 * against the development authorization server: discovery from RFC 9728 metadata, DCR,
 * authorize with PKCE and resource, code exchange, then a refresh. The resource server is a
 * stub serving only its metadata: this file checks the authorization server side; the e2e
 * suite runs the same flow against the real MCP server.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { auth, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { DEFAULT_SCOPES } from '../../src/config.js';
import { createJwtVerifier } from '../../src/auth/jwtVerifier.js';
import { DEMO_USERS } from '../../src/dev/demoUsers.js';
import { completeAuthorization, startAuthorizationServer, type RunningAuthorizationServer } from '../../src/dev/authServer/index.js';

const REDIRECT_URI = 'http://localhost:6274/oauth/callback';

/** What an MCP client application keeps between steps: in memory, as the SDK expects. */
class MemoryProvider implements OAuthClientProvider {
  client: OAuthClientInformationMixed | undefined;
  saved: OAuthTokens | undefined;
  verifier = '';
  authorizationUrl: URL | undefined;

  get redirectUrl() {
    return REDIRECT_URI;
  }
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'SDK test client',
      redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  clientInformation() {
    return this.client;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.client = info;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
}

let as: RunningAuthorizationServer;
let resourceServer: http.Server;
let base: string;

beforeAll(async () => {
  let issuer = '';
  resourceServer = http.createServer((req, res) => {
    if (req.url === '/.well-known/oauth-protected-resource/mcp') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ resource: `${base}/mcp`, authorization_servers: [issuer], scopes_supported: DEFAULT_SCOPES, bearer_methods_supported: ['header'] }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => resourceServer.listen(0, '127.0.0.1', resolve));
  base = `http://localhost:${(resourceServer.address() as AddressInfo).port}`;
  as = await startAuthorizationServer({ port: 0, resources: [base, `${base}/mcp`, `${base}/sse`] });
  issuer = as.issuer;
});

afterAll(async () => {
  await as.close();
  await new Promise<void>((resolve) => resourceServer.close(() => resolve()));
});

it('authorizes, exchanges the code and refreshes, driven by the SDK, for the resource in the metadata', async () => {
  const provider = new MemoryProvider();
  const serverUrl = `${base}/mcp`;

  expect(await auth(provider, { serverUrl })).toBe('REDIRECT');
  const authorizationUrl = provider.authorizationUrl!;
  expect(authorizationUrl.origin).toBe(as.issuer);
  expect(authorizationUrl.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authorizationUrl.searchParams.get('resource')).toBe(`${base}/mcp`);

  const alice = DEMO_USERS[0]!;
  const answer = await completeAuthorization(authorizationUrl, { redirectUri: REDIRECT_URI, login: alice.login, password: alice.password });
  expect(answer.iss).toBe(as.issuer);
  expect(await auth(provider, { serverUrl, authorizationCode: answer.code! })).toBe('AUTHORIZED');

  const first = provider.saved!;
  expect(first.refresh_token).toEqual(expect.any(String));
  const verifier = createJwtVerifier({
    issuer: as.issuer, jwksUri: as.jwksUri, audiences: [`${base}/mcp`], algorithms: ['RS256'], clockSkewSeconds: 5, timeoutMs: 2_000, cooldownMs: 0,
  });
  const info = await verifier.verifyAccessToken(first.access_token);
  expect(info.extra?.['subject']).toBe(alice.subject);
  expect([...info.scopes].sort()).toEqual([...DEFAULT_SCOPES].sort());

  // With tokens stored, the next auth() renews them with the refresh token, no sign-in.
  provider.authorizationUrl = undefined;
  expect(await auth(provider, { serverUrl })).toBe('AUTHORIZED');
  expect(provider.authorizationUrl).toBeUndefined();
  const renewed = provider.saved!;
  expect(renewed.access_token).not.toBe(first.access_token);
  expect(renewed.refresh_token).not.toBe(first.refresh_token);
  await expect(verifier.verifyAccessToken(renewed.access_token)).resolves.toMatchObject({ clientId: info.clientId });
});
