/**
 * The MCP SDK client as an application uses it with OAuth: connect; the server answers 401;
 * the SDK runs discovery, registration and authorize (the provider plays the user); the
 * application hands the code to `transport.finishAuth`; then it connects again with the
 * token. Shared by the Streamable HTTP, legacy SSE and refresh tests.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { completeAuthorization } from '../../src/dev/authServer/index.js';
import type { DemoUser } from '../../src/dev/demoUsers.js';
import { MemoryOAuthProvider } from './memoryOAuthProvider.js';

/** Registered by the test clients; nothing listens there, the code is read from the redirect. */
export const E2E_REDIRECT_URI = 'http://127.0.0.1:6274/oauth/callback';

export type TransportKind = 'streamable-http' | 'sse';
type ClientTransport = StreamableHTTPClientTransport | SSEClientTransport;

export function createTransport(kind: TransportKind, url: string, provider: MemoryOAuthProvider, fetchFn: typeof fetch): ClientTransport {
  const options = { authProvider: provider, fetch: fetchFn };
  return kind === 'sse' ? new SSEClientTransport(new URL(url), options) : new StreamableHTTPClientTransport(new URL(url), options);
}

/** A provider that signs `user` in over HTTP (the login and consent forms) whenever the SDK redirects. */
export function signingInProvider(user: DemoUser, fetchFn: typeof fetch): MemoryOAuthProvider {
  return new MemoryOAuthProvider({
    redirectUrl: E2E_REDIRECT_URI,
    onRedirect: (authorizationUrl) =>
      completeAuthorization(authorizationUrl, { redirectUri: E2E_REDIRECT_URI, login: user.login, password: user.password, fetch: fetchFn }),
  });
}

export interface AuthorizedClient {
  client: Client;
  transport: ClientTransport;
  close(): Promise<void>;
}

/**
 * Runs the first connection (which must end in `UnauthorizedError` after the sign-in), the
 * code exchange, and the second connection, which must succeed.
 */
export async function connectWithOAuth(kind: TransportKind, url: string, provider: MemoryOAuthProvider, fetchFn: typeof fetch): Promise<AuthorizedClient> {
  const first = createTransport(kind, url, provider, fetchFn);
  const unauthorized = new Client({ name: 'neonpanel-e2e', version: '1.0.0' });
  const refused = await unauthorized.connect(first).then(() => undefined, (error: unknown) => error);
  await unauthorized.close();
  if (!(refused instanceof UnauthorizedError)) {
    throw new Error(`The first connection should end in UnauthorizedError, got ${refused === undefined ? 'success' : String(refused)}`);
  }
  if (!provider.authorizationCode) throw new Error('The sign-in produced no authorization code.');
  await first.finishAuth(provider.authorizationCode);

  const transport = createTransport(kind, url, provider, fetchFn);
  const client = new Client({ name: 'neonpanel-e2e', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport, close: () => client.close() };
}

/** The structured content of a successful tool result; throws with the tool's text when it failed. */
export function structured(result: unknown): Record<string, unknown> {
  const r = result as CallToolResult;
  if (r.isError) {
    const text = r.content.map((c) => (c.type === 'text' ? c.text : c.type)).join(' ');
    throw new Error(`The tool failed: ${text}`);
  }
  if (!r.structuredContent) throw new Error('The tool returned no structured content.');
  return r.structuredContent;
}
