/**
 * The tool-test stack: test issuer → MCP server → NeonPanel sandbox, all real processes'
 * worth of sockets on loopback. The sandbox trusts the same issuer, as NeonPanel does.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startTestIssuer, type TestIssuer } from '../helpers/keys.js';
import { claimsFor, startTestServer, type TestServer } from '../helpers/server.js';
import { jwksTokenVerifier, startSandbox, type Sandbox, type SandboxTokenVerifier } from '../../src/dev/sandbox/index.js';
import { DEMO_USERS } from '../../src/dev/demoUsers.js';
import { DEFAULT_SCOPES } from '../../src/config.js';
import type { Env } from '../../src/config.js';

export const ALICE = DEMO_USERS[0]!;
export const BOB = DEMO_USERS[1]!;

export interface ToolStack {
  issuer: TestIssuer;
  sandbox: Sandbox;
  server: TestServer;
  token(user?: typeof ALICE, scopes?: readonly string[]): Promise<string>;
  client(token: string): Promise<Client>;
  rest(token: string, name: string, args: Record<string, unknown>): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

export interface StackSandboxOptions {
  extraCompaniesPerUser?: number;
  importPolls?: number;
  /** Replaces the sandbox's trust in the test issuer (e.g. to make NeonPanel refuse every token). */
  verifyToken?: SandboxTokenVerifier;
}

export async function startToolStack(env: Env = {}, sandboxOptions: StackSandboxOptions = {}): Promise<ToolStack> {
  const issuer = await startTestIssuer();
  const sandbox = await startSandbox({
    verifyToken: jwksTokenVerifier({ issuer: issuer.issuer, jwksUri: issuer.jwksUri }),
    importRetryAfterSeconds: 1,
    ...sandboxOptions,
  });
  const server = await startTestServer(issuer, { NEONPANEL_API_BASE: sandbox.url, UPSTREAM_TIMEOUT_MS: '2000', ...env });
  const clients: Client[] = [];
  return {
    issuer,
    sandbox,
    server,
    token: (user = ALICE, scopes = DEFAULT_SCOPES) => issuer.sign(claimsFor(server.base, { sub: user.subject, scope: scopes.join(' ') })),
    async client(token) {
      const client = new Client({ name: 'tool-tests', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(`${server.base}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
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
