/**
 * The `pnpm dev` wiring: the MCP server's config built from the dev environment is the
 * production kind (issuer, JWKS, audience), and the production verifier built from it
 * accepts the development authorization server's tokens and nothing it should not.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, defaultAudiences, loadConfig, resourceIdentifiers } from '../../src/config.js';
import { createVerifier } from '../../src/auth/createVerifier.js';
import { InvalidTokenError } from '../../src/auth/errors.js';
import { DEMO_USERS } from '../../src/dev/demoUsers.js';
import { DEV_BROKER_CLIENT_ID, devBanner, devBrokerClient, devPorts, devProfile, devServerEnv } from '../../src/dev/authServer/devStack.js';
import { fetchedMetadataSource, jwksUriOf } from '../../src/auth/authorizationServerMetadata.js';
import { toolScopesOf } from '../../src/tools/scopes.js';
import { ALL_TOOLS } from '../../src/tools/registry.js';
import { obtainToken, startAuthorizationServer } from '../../src/dev/authServer/index.js';

describe('devPorts', () => {
  it('defaults to 3030, 3031 and 3032', () => {
    expect(devPorts({})).toEqual({ mcp: 3030, auth: 3031, sandbox: 3032 });
  });

  it('reads PORT, DEV_AUTH_PORT and DEV_SANDBOX_PORT', () => {
    expect(devPorts({ PORT: '4000', DEV_AUTH_PORT: '4001', DEV_SANDBOX_PORT: '4002' })).toEqual({ mcp: 4000, auth: 4001, sandbox: 4002 });
  });

  it('names the variable that is not a port', () => {
    expect(() => devPorts({ DEV_AUTH_PORT: 'abc' })).toThrow(ConfigError);
    expect(() => devPorts({ DEV_SANDBOX_PORT: '70000' })).toThrow(/DEV_SANDBOX_PORT/);
  });
});

describe('devServerEnv → loadConfig', () => {
  const ports = { mcp: 3030, auth: 3031, sandbox: 3032 };

  it('configures the server against the dev authorization server and the sandbox', () => {
    const config = loadConfig(devServerEnv({}, ports));
    expect(config.nodeEnv).toBe('development');
    expect(config.port).toBe(3030);
    expect(config.publicBaseUrl).toBe('http://localhost:3030');
    expect(config.neonpanelApiBase).toBe('http://127.0.0.1:3032');
    expect(config.oauth.issuer).toBe('http://localhost:3031');
    // Production's reality by default: NeonPanel's profile, the JWKS found through discovery.
    expect(config.oauth.profile).toBe('neonpanel');
    expect(config.oauth.jwksUri).toBeUndefined();
    expect(config.oauth.discoverJwks).toBe(true);
    expect(config.oauth.introspectionUrl).toBeUndefined();
    expect(config.oauth.audiences).toEqual(defaultAudiences('http://localhost:3030'));
    expect(config.upstream.auth).toBe('forward');
  });

  it('runs broker mode by default, with the dev broker client, and direct mode when asked', () => {
    const broker = loadConfig(devServerEnv({}, ports));
    expect(broker.authMode).toBe('broker');
    expect(broker.broker.neonpanelClientId).toBe(DEV_BROKER_CLIENT_ID);
    expect(devBrokerClient(broker.publicBaseUrl).redirect_uris).toEqual(['http://localhost:3030/oauth/neonpanel/callback']);
    expect(loadConfig(devServerEnv({ AUTH_MODE: 'direct' }, ports)).authMode).toBe('direct');
    expect(() => devServerEnv({ AUTH_MODE: 'proxy' }, ports)).toThrow(/AUTH_MODE/);
  });

  it('keeps unrelated settings and overrides the auth ones', () => {
    const config = loadConfig(devServerEnv({
      LOG_LEVEL: 'warn',
      MCP_SESSION_MODE: 'stateless',
      OAUTH_ISSUER: 'https://my.neonpanel.com',
      OAUTH_AUDIENCE: 'https://elsewhere.example',
      OAUTH_INTROSPECTION_URL: 'https://elsewhere.example/introspect',
    }, ports));
    expect(config.logLevel).toBe('warn');
    expect(config.mcp.sessionMode).toBe('stateless');
    expect(config.oauth.issuer).toBe('http://localhost:3031');
    expect(config.oauth.audiences).not.toContain('https://elsewhere.example');
    expect(config.oauth.introspectionUrl).toBeUndefined();
  });
});

describe('devProfile', () => {
  it('is neonpanel unless OAUTH_PROFILE=standard selects the other; anything else names the variable', () => {
    expect(devProfile({})).toBe('neonpanel');
    expect(devProfile({ OAUTH_PROFILE: 'standard' })).toBe('standard');
    expect(loadConfig(devServerEnv({ AUTH_MODE: 'direct', OAUTH_PROFILE: 'standard' }, { mcp: 3030, auth: 3031, sandbox: 3032 })).oauth.profile).toBe('standard');
    // In broker mode the development server plays NeonPanel, whatever OAUTH_PROFILE says.
    expect(loadConfig(devServerEnv({ OAUTH_PROFILE: 'standard' }, { mcp: 3030, auth: 3031, sandbox: 3032 })).oauth.profile).toBe('neonpanel');
    expect(() => devProfile({ OAUTH_PROFILE: 'passport' })).toThrow(/OAUTH_PROFILE/);
  });
});

async function freePort(): Promise<number> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

function verifierFor(config: ReturnType<typeof loadConfig>) {
  const metadata = fetchedMetadataSource({ issuer: config.oauth.issuer, timeoutMs: 3000 });
  return createVerifier(config, { toolScopes: toolScopesOf(ALL_TOOLS), discoveredJwksUri: () => metadata.get().then(jwksUriOf) });
}

describe('the production verifier, configured for the dev stack', () => {
  it("neonpanel: accepts the dev authorization server's openid tokens (aud = client id) with every tool scope", async () => {
    const authPort = await freePort();
    const config = loadConfig(devServerEnv({ AUTH_MODE: 'direct' }, { mcp: 3030, auth: authPort, sandbox: 3032 }));
    const as = await startAuthorizationServer({ profile: 'neonpanel', port: authPort, issuer: config.oauth.issuer, resources: resourceIdentifiers(config.publicBaseUrl) });
    const other = await startAuthorizationServer({ profile: 'neonpanel', port: 0, resources: resourceIdentifiers(config.publicBaseUrl) });
    try {
      const verifier = verifierFor(config);
      const { tokens, client } = await obtainToken({ issuer: as.issuer, user: 'bob' });
      expect(tokens.scope).toBe('openid');
      const info = await verifier.verifyAccessToken(tokens.access_token);
      expect(info.extra?.['subject']).toBe(DEMO_USERS[1]!.subject);
      expect(info.clientId).toBe(client.client_id);
      expect(info.scopes).toEqual(expect.arrayContaining(['openid', ...toolScopesOf(ALL_TOOLS)]));
      // Another authorization server's token (another issuer, other keys) is refused.
      const foreign = await obtainToken({ issuer: other.issuer, user: 'bob' });
      await expect(verifier.verifyAccessToken(foreign.tokens.access_token)).rejects.toBeInstanceOf(InvalidTokenError);
    } finally {
      await other.close();
      await as.close();
    }
  });

  it("standard: accepts the dev authorization server's tokens for the server's resources, and no others", async () => {
    const authPort = await freePort();
    const config = loadConfig(devServerEnv({ AUTH_MODE: 'direct', OAUTH_PROFILE: 'standard' }, { mcp: 3030, auth: authPort, sandbox: 3032 }));
    const as = await startAuthorizationServer({
      port: authPort,
      issuer: config.oauth.issuer,
      resources: [...resourceIdentifiers(config.publicBaseUrl), 'http://localhost:9999/mcp'],
    });
    const verifier = verifierFor(config);
    try {
      const mcp = await obtainToken({ issuer: as.issuer, user: 'bob', scope: 'read:inventory', resource: `${config.publicBaseUrl}/mcp` });
      const info = await verifier.verifyAccessToken(mcp.tokens.access_token);
      expect(info.extra?.['subject']).toBe(DEMO_USERS[1]!.subject);
      expect(info.scopes).toEqual(['read:inventory']);

      const other = await obtainToken({ issuer: as.issuer, user: 'bob', scope: 'read:inventory', resource: 'http://localhost:9999/mcp' });
      await expect(verifier.verifyAccessToken(other.tokens.access_token)).rejects.toBeInstanceOf(InvalidTokenError);
    } finally {
      await as.close();
    }
  });
});

describe('devBanner', () => {
  it('shows the endpoints, the demo users with their passwords, and how to mint a token', () => {
    const config = loadConfig(devServerEnv({}, { mcp: 3030, auth: 3031, sandbox: 3032 }));
    const text = devBanner({ config, issuer: 'http://localhost:3031', sandboxUrl: 'http://127.0.0.1:3032' });
    for (const fragment of [
      'http://localhost:3030/mcp',
      'http://localhost:3030/sse',
      'http://localhost:3031',
      'http://127.0.0.1:3032',
      'token -- --user alice',
      '@modelcontextprotocol/inspector',
      ...DEMO_USERS.map((u) => `${u.login} / ${u.password}`),
    ]) {
      expect(text).toContain(fragment);
    }
  });
});
