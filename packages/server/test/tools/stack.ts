/**
 * The tool-test stack: test issuer → MCP server → NeonPanel sandbox, all real processes'
 * worth of sockets on loopback. The sandbox trusts the same issuer, as NeonPanel does.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { startTestIssuer, type TestIssuer } from '../helpers/keys.js';
import { claimsFor, startTestServer, type TestServer } from '../helpers/server.js';
import { jwksTokenVerifier, startSandbox, type Sandbox, type SandboxTokenVerifier } from '../../src/dev/sandbox/index.js';
import { DEMO_USERS } from '../../src/dev/demoUsers.js';
import { DEFAULT_SCOPES } from '../../src/config.js';
import type { Env } from '../../src/config.js';
import type { StartOptions } from '../../src/server.js';

export const ALICE = DEMO_USERS[0]!;
export const BOB = DEMO_USERS[1]!;

export interface ToolStack {
  issuer: TestIssuer;
  sandbox: Sandbox;
  server: TestServer;
  /**
   * A token for `user`. Under `standard`: `aud` = the server, `scope` = `scopes` (default: all).
   * Under `neonpanel`, as NeonPanel issues them: `scope: "openid"` (unless `scopes` is given), no `aud`.
   */
  token(user?: typeof ALICE, scopes?: readonly string[]): Promise<string>;
  client(token: string, transport?: 'streamable' | 'sse'): Promise<Client>;
  rest(token: string, name: string, args: Record<string, unknown>): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

export interface StackSandboxOptions {
  extraCompaniesPerUser?: number;
  importPolls?: number;
  /** Replaces the sandbox's trust in the test issuer (e.g. to make NeonPanel refuse every token). */
  verifyToken?: SandboxTokenVerifier;
  /**
   * `neonpanel`: the issuer publishes OpenID discovery only (JWKS at /.well-known/jwks.json,
   * scopes_supported ["openid"]) and the server runs with OAUTH_PROFILE=neonpanel and no
   * OAUTH_JWKS_URI, as in production. Default `standard`.
   */
  profile?: 'standard' | 'neonpanel';
}

export async function startToolStack(env: Env = {}, sandboxOptions: StackSandboxOptions = {}, serverOptions: StartOptions = {}): Promise<ToolStack> {
  const { profile = 'standard', ...sandboxRest } = sandboxOptions;
  const issuer = await startTestIssuer({ layout: profile });
  const sandbox = await startSandbox({
    verifyToken: jwksTokenVerifier({ issuer: issuer.issuer, jwksUri: issuer.jwksUri }),
    importRetryAfterSeconds: 1,
    ...sandboxRest,
  });
  const profileEnv: Env = profile === 'neonpanel' ? { OAUTH_PROFILE: 'neonpanel', OAUTH_JWKS_URI: undefined } : {};
  const server = await startTestServer(issuer, { NEONPANEL_API_BASE: sandbox.url, UPSTREAM_TIMEOUT_MS: '2000', ...profileEnv, ...env }, serverOptions);
  const clients: Client[] = [];
  return {
    issuer,
    sandbox,
    server,
    token: (user = ALICE, scopes) => issuer.sign(profile === 'neonpanel'
      ? { sub: user.subject, azp: 'chatgpt-client-1', scope: (scopes ?? ['openid']).join(' ') }
      : claimsFor(server.base, { sub: user.subject, scope: (scopes ?? DEFAULT_SCOPES).join(' ') })),
    async client(token, transport = 'streamable') {
      const client = new Client({ name: 'tool-tests', version: '1.0.0' });
      const requestInit = { headers: { Authorization: `Bearer ${token}` } };
      await client.connect(transport === 'sse'
        ? new SSEClientTransport(new URL(`${server.base}/sse`), { requestInit })
        : new StreamableHTTPClientTransport(new URL(`${server.base}/mcp`), { requestInit }));
      clients.push(client);
      return client;
    },
    async rest(token, name, args) {
      const response = await fetch(`${server.base}/mcp/tools/call`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name, arguments: args }),
      });
      return { status: response.status, body: await response.json(), headers: response.headers };
    },
    async close() {
      for (const c of clients) await c.close().catch(() => {});
      await server.shutdown();
      await sandbox.close();
      await issuer.close();
    },
  };
}
