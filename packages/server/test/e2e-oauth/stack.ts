/**
 * The whole development stack on loopback, wired the way `pnpm dev` (src/dev/start.ts) and
 * production wire it: the development authorization server, the NeonPanel sandbox verifying
 * the user's own tokens against that server's JWKS, and the MCP server configured by
 * `loadConfig` from an environment (issuer, JWKS URI, public base URL, upstream). Nothing
 * in the auth path is injected or bypassed: `startServer` gets no verifier and no client.
 */
import net from 'node:net';
import { loadConfig, resourceIdentifiers, type Env } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { startAuthorizationServer, type RunningAuthorizationServer } from '../../src/dev/authServer/index.js';
import { jwksTokenVerifier, startSandbox, type Sandbox } from '../../src/dev/sandbox/index.js';

export interface E2eStackOptions {
  /** Access token lifetime at the authorization server. Default 3600 (the server's default). */
  accessTokenTtlSeconds?: number;
  /**
   * Resource identifiers the authorization server accepts besides the MCP server's own,
   * e.g. another resource server's, to mint tokens with a foreign `aud`. Default none.
   */
  extraResources?: readonly string[];
  /** Extra MCP server environment, applied over the stack's (e.g. OAUTH_CLOCK_SKEW_SECONDS). Default none. */
  env?: Env;
  /**
   * `standard` (default): the RFC 8707 authorization server, the server given its JWKS URI.
   * `neonpanel`: as production runs: the authorization server behaves as NeonPanel's, and the
   * server gets only OAUTH_PROFILE, OAUTH_ISSUER, PUBLIC_BASE_URL and NEONPANEL_API_BASE.
   */
  profile?: 'standard' | 'neonpanel';
}

export interface E2eStack {
  as: RunningAuthorizationServer;
  sandbox: Sandbox;
  server: RunningServer;
  /** PUBLIC_BASE_URL of the MCP server, e.g. http://localhost:40123. */
  base: string;
  /** `${base}/mcp` (Streamable HTTP). */
  mcpUrl: string;
  /** `${base}/sse` (legacy SSE). */
  sseUrl: string;
  /** Failures the authorization server reported as bugs (answered 500); tests expect none. */
  readonly serverErrors: readonly unknown[];
  /** Closes the three servers, MCP server first, then its upstreams. Idempotent. */
  close(): Promise<void>;
}

/** A free loopback port: PUBLIC_BASE_URL and the AS's resources must be known before the MCP server listens. */
async function freePort(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export async function startE2eStack(options: E2eStackOptions = {}): Promise<E2eStack> {
  const port = await freePort();
  // `localhost`, as `pnpm dev` advertises it; it resolves to 127.0.0.1 only (see /etc/hosts),
  // and the server binds 127.0.0.1.
  const base = `http://localhost:${port}`;
  const serverErrors: unknown[] = [];
  const stops: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  };

  try {
    const neonpanel = options.profile === 'neonpanel';
    const as = await startAuthorizationServer({
      profile: options.profile ?? 'standard',
      port: 0,
      host: '127.0.0.1',
      resources: [...resourceIdentifiers(base), ...(options.extraResources ?? [])],
      ...(options.accessTokenTtlSeconds !== undefined ? { accessTokenTtlSeconds: options.accessTokenTtlSeconds } : {}),
      onError: (error) => serverErrors.push(error),
    });
    stops.push(() => as.close());

    const sandbox = await startSandbox({
      port: 0,
      host: '127.0.0.1',
      verifyToken: jwksTokenVerifier({ issuer: as.issuer, jwksUri: as.jwksUri }),
    });
    stops.push(() => sandbox.close());

    const config = loadConfig({
      NODE_ENV: 'development',
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_BASE_URL: base,
      NEONPANEL_API_BASE: sandbox.url,
      OAUTH_ISSUER: as.issuer,
      ...(neonpanel ? { OAUTH_PROFILE: 'neonpanel' } : { OAUTH_JWKS_URI: as.jwksUri }),
      UPSTREAM_AUTH: 'forward',
      LOG_LEVEL: 'silent',
      RATE_LIMIT_REQUESTS_PER_SECOND: '1000000',
      RATE_LIMIT_CONCURRENT_UPSTREAM: '100000',
      SHUTDOWN_DRAIN_MS: '1000',
      ...options.env,
    });
    const server = await startServer(config, { logger: createLogger('silent') });
    stops.push(() => server.shutdown('e2e stack closed'));

    return { as, sandbox, server, base, mcpUrl: `${base}/mcp`, sseUrl: `${base}/sse`, serverErrors, close };
  } catch (error) {
    await close();
    throw error;
  }
}
