/**
 * Public OAuth discovery: RFC 9728 protected resource metadata and the mirrored RFC 8414
 * authorization server metadata.
 */
import { OAuthProtectedResourceMetadataSchema } from '@modelcontextprotocol/sdk/shared/auth.js';
import { DEFAULT_SCOPES } from '../../src/config.js';
import { startTestIssuer, type TestIssuer } from '../helpers/keys.js';
import { claimsFor, startTestServer, type TestServer } from '../helpers/server.js';
import { callTool, request } from '../helpers/http.js';

let issuer: TestIssuer;
let server: TestServer;

beforeAll(async () => {
  issuer = await startTestIssuer();
  server = await startTestServer(issuer);
});

afterAll(async () => {
  await server.shutdown();
  await issuer.close();
});

const documents: Array<[string, (base: string) => string]> = [
  ['/.well-known/oauth-protected-resource', (base) => base],
  ['/.well-known/oauth-protected-resource/mcp', (base) => `${base}/mcp`],
  ['/.well-known/oauth-protected-resource/sse', (base) => `${base}/sse`],
];

describe('protected resource metadata (RFC 9728)', () => {
  test.each(documents)('%s validates against the SDK schema with the documented fields', async (path, resourceOf) => {
    const res = await request(`${server.base}${path}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const doc = OAuthProtectedResourceMetadataSchema.parse(res.json());
    expect(doc.resource).toBe(resourceOf(server.base));
    expect(doc.resource.endsWith('/')).toBe(false);
    expect(doc.authorization_servers).toEqual([issuer.issuer]);
    expect(doc.bearer_methods_supported).toEqual(['header']);
    expect(doc.scopes_supported).toEqual([...DEFAULT_SCOPES]);
    expect(typeof doc.resource_name).toBe('string');
    expect(doc.resource_name!.length).toBeGreaterThan(0);
  });

  test('the challenge points at the root document', async () => {
    const res = await callTool(server.base, undefined);
    expect(res.headers['www-authenticate']).toContain(`resource_metadata="${server.base}/.well-known/oauth-protected-resource"`);
  });

  test.each(documents)('the resource of %s is accepted as a token audience', async (_path, resourceOf) => {
    const token = await issuer.sign(claimsFor(server.base, { aud: resourceOf(server.base) }));
    const res = await callTool(server.base, `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.json<{ structuredContent: { subject: string } }>().structuredContent.subject).toBe('user-1');
  });

  test('discovery is public: a bad Authorization header does not turn it into a 401', async () => {
    const res = await request(`${server.base}/.well-known/oauth-protected-resource/mcp`, { headers: { authorization: 'Bearer expired.or.bogus' } });
    expect(res.status).toBe(200);
  });
});

describe('authorization server metadata mirror (RFC 8414)', () => {
  test.each(['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration'])(
    '%s mirrors what the issuer publishes',
    async (path) => {
      const upstream = await request(`${issuer.issuer}/.well-known/oauth-authorization-server`);
      const res = await request(`${server.base}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.json()).toEqual(upstream.json());
      expect(res.json<{ issuer: string }>().issuer).toBe(issuer.issuer);
    },
  );

  test('is taken from configuration when the endpoints are configured (that issuer is unreachable from here)', async () => {
    const configured = await startTestServer(issuer, {
      OAUTH_ISSUER: 'https://auth.example.com',
      OAUTH_AUTHORIZATION_ENDPOINT: 'https://auth.example.com/oauth2/authorize',
      OAUTH_TOKEN_ENDPOINT: 'https://auth.example.com/oauth2/token',
    });
    try {
      const res = await request(`${configured.base}/.well-known/oauth-authorization-server`);
      expect(res.status).toBe(200);
      expect(res.json()).toMatchObject({
        issuer: 'https://auth.example.com',
        authorization_endpoint: 'https://auth.example.com/oauth2/authorize',
        token_endpoint: 'https://auth.example.com/oauth2/token',
        code_challenge_methods_supported: ['S256'],
        scopes_supported: [...DEFAULT_SCOPES],
      });
    } finally {
      await configured.shutdown();
    }
  });
});
