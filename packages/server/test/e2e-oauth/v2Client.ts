/**
 * The v2 SDK client (`@modelcontextprotocol/client`) as an application uses it with OAuth,
 * negotiating the protocol revision (`versionNegotiation: auto`: it probes with
 * `server/discover` and stays on 2026-07-28 when the server speaks it). Same shape as
 * `sdkClient.ts` for the 1.x client: first connection ends in `UnauthorizedError` after the
 * sign-in, the code is exchanged, the second connection succeeds.
 */
import { Client, StreamableHTTPClientTransport, UnauthorizedError, type OAuthClientProvider } from '@modelcontextprotocol/client';
import type { MemoryOAuthProvider } from './memoryOAuthProvider.js';

export interface AuthorizedV2Client {
  client: Client;
  transport: StreamableHTTPClientTransport;
  close(): Promise<void>;
}

function transportFor(url: string, provider: MemoryOAuthProvider, fetchFn: typeof fetch): StreamableHTTPClientTransport {
  // The provider implements the 1.x interface, which the v2 one extends only with optional members.
  return new StreamableHTTPClientTransport(new URL(url), { authProvider: provider as unknown as OAuthClientProvider, fetch: fetchFn });
}

const clientFor = () => new Client({ name: 'neonpanel-e2e-v2', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });

export async function connectV2WithOAuth(url: string, provider: MemoryOAuthProvider, fetchFn: typeof fetch): Promise<AuthorizedV2Client> {
  const first = transportFor(url, provider, fetchFn);
  const unauthorized = clientFor();
  const refused = await unauthorized.connect(first).then(() => undefined, (error: unknown) => error);
  await unauthorized.close();
  if (!(refused instanceof UnauthorizedError)) {
    throw new Error(`The first connection should end in UnauthorizedError, got ${refused === undefined ? 'success' : String(refused)}`);
  }
  if (!provider.authorizationCode) throw new Error('The sign-in produced no authorization code.');
  await first.finishAuth(provider.authorizationCode, provider.authorizationIssuer);

  const transport = transportFor(url, provider, fetchFn);
  const client = clientFor();
  await client.connect(transport);
  return { client, transport, close: () => client.close() };
}
