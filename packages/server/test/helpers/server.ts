/**
 * Starts the real server (express app, real sockets) on an ephemeral loopback port,
 * configured against a test issuer, the way `main.ts` does from the environment.
 */
import { loadConfig, type Env } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startServer, type RunningServer, type StartOptions } from '../../src/server.js';
import type { TestIssuer } from './keys.js';
import { testRedisMode } from './redis.js';

export interface TestServer extends RunningServer {
  /** The base URL the server advertises (PUBLIC_BASE_URL). */
  base: string;
}

export async function startTestServer(issuer: TestIssuer, env: Env = {}, options: StartOptions = {}): Promise<TestServer> {
  // PUBLIC_BASE_URL must be known before listening; pick the port first.
  const net = await import('node:net');
  const port = await new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (probe.address() as import('node:net').AddressInfo).port;
      probe.close(() => resolve(p));
    });
  });
  const base = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_BASE_URL: base,
    OAUTH_ISSUER: issuer.issuer,
    OAUTH_JWKS_URI: issuer.jwksUri,
    LOG_LEVEL: 'silent',
    SHUTDOWN_DRAIN_MS: '2000',
    // Functional tests fire requests faster than any person; the limits have their own tests.
    RATE_LIMIT_REQUESTS_PER_SECOND: '1000000',
    RATE_LIMIT_CONCURRENT_UPSTREAM: '100000',
    // A test that names a Redis gets it in the mode its jest project runs (plain node or cluster).
    ...(env['REDIS_URL'] ? { REDIS_MODE: testRedisMode() } : {}),
    ...env,
  });
  const server = await startServer(config, { logger: createLogger('silent'), ...options });
  return { ...server, base };
}

/** Claims of a well-formed token for `base`. */
export function claimsFor(base: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sub: 'user-1',
    client_id: 'client-1',
    aud: base,
    scope: 'read:companies read:inventory',
    ...overrides,
  };
}
