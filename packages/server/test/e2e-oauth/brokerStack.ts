/**
 * The broker-mode stack on loopback, wired as `pnpm dev` wires it (src/dev/start.ts): the
 * development authorization server playing NeonPanel (profile `neonpanel`, with the broker's
 * confidential client registered), the sandbox verifying NeonPanel's tokens, and one or more
 * MCP servers in AUTH_MODE=broker configured by `loadConfig`. Several servers on one Redis
 * are several tasks behind one public URL.
 *
 * The sandbox records every bearer it is shown, so a test can prove it only ever saw
 * NeonPanel's tokens.
 */
import { randomBytes } from 'node:crypto';
import { loadConfig, resourceIdentifiers, type Env } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/logger.js';
import type { Telemetry } from '../../src/telemetry/telemetry.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { startAuthorizationServer, type RunningAuthorizationServer } from '../../src/dev/authServer/index.js';
import { devBrokerClient, DEV_BROKER_CLIENT_ID, DEV_BROKER_CLIENT_SECRET } from '../../src/dev/authServer/devStack.js';
import { jwksTokenVerifier, startSandbox, type Sandbox } from '../../src/dev/sandbox/index.js';
import { generateSigningJwk } from '../../src/auth/broker/signingKeys.js';
import { freePort } from '../helpers/redis.js';

export interface BrokerStackOptions {
  /** Lifetime of NeonPanel's access tokens at the development server. Default 3600. */
  upstreamAccessTokenTtlSeconds?: number;
  /** Extra server environment (e.g. REDIS_URL, BROKER_CIMD_ALLOW_LOOPBACK). */
  env?: Env;
  /** How many servers (tasks) share the public URL. Default 1. */
  tasks?: number;
  logger?: Logger;
  /** Telemetry for every task (tests: in-memory exporters, for the leak scan). */
  telemetry?: Telemetry;
}

export interface BrokerStack {
  neonpanel: RunningAuthorizationServer;
  sandbox: Sandbox;
  servers: RunningServer[];
  /** PUBLIC_BASE_URL: the broker's issuer and the resource. */
  base: string;
  mcpUrl: string;
  /** Where each task listens (the first is `base`). */
  taskUrls: string[];
  /** Every bearer the sandbox (NeonPanel's API) was shown. */
  readonly upstreamBearers: readonly string[];
  readonly serverErrors: readonly unknown[];
  env: Env;
  close(): Promise<void>;
}

export async function startBrokerStack(options: BrokerStackOptions = {}): Promise<BrokerStack> {
  const ports = await Promise.all(Array.from({ length: options.tasks ?? 1 }, () => freePort()));
  const base = `http://localhost:${ports[0]}`;
  const serverErrors: unknown[] = [];
  const upstreamBearers: string[] = [];
  const stops: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  };
  try {
    const neonpanel = await startAuthorizationServer({
      profile: 'neonpanel',
      port: 0,
      host: '127.0.0.1',
      resources: resourceIdentifiers(base),
      clients: [devBrokerClient(base)],
      ...(options.upstreamAccessTokenTtlSeconds ? { accessTokenTtlSeconds: options.upstreamAccessTokenTtlSeconds } : {}),
      onError: (error) => serverErrors.push(error),
    });
    stops.push(() => neonpanel.close());
    const verify = jwksTokenVerifier({ issuer: neonpanel.issuer, jwksUri: neonpanel.jwksUri });
    const sandbox = await startSandbox({
      port: 0,
      host: '127.0.0.1',
      verifyToken: (token) => {
        upstreamBearers.push(token);
        return verify(token);
      },
    });
    stops.push(() => sandbox.close());

    // Shared by every task, as the stack's Secrets Manager values are.
    const env: Env = {
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PUBLIC_BASE_URL: base,
      NEONPANEL_API_BASE: sandbox.url,
      OAUTH_ISSUER: neonpanel.issuer,
      OAUTH_PROFILE: 'neonpanel',
      AUTH_MODE: 'broker',
      NEONPANEL_CLIENT_ID: DEV_BROKER_CLIENT_ID,
      NEONPANEL_CLIENT_SECRET: DEV_BROKER_CLIENT_SECRET,
      BROKER_VAULT_KEY: `k1:${randomBytes(32).toString('base64url')}`,
      BROKER_SIGNING_KEYS: JSON.stringify({ keys: [await generateSigningJwk()] }),
      LOG_LEVEL: 'silent',
      RATE_LIMIT_REQUESTS_PER_SECOND: '1000000',
      RATE_LIMIT_CONCURRENT_UPSTREAM: '100000',
      SHUTDOWN_DRAIN_MS: '1000',
      ...options.env,
    };
    const servers: RunningServer[] = [];
    for (const port of ports) {
      const server = await startServer(loadConfig({ ...env, PORT: String(port) }), { logger: options.logger ?? createLogger('silent'), ...(options.telemetry ? { telemetry: options.telemetry } : {}) });
      stops.push(() => server.shutdown('broker stack closed'));
      servers.push(server);
    }
    return {
      neonpanel,
      sandbox,
      servers,
      base,
      mcpUrl: `${base}/mcp`,
      taskUrls: ports.map((p) => `http://localhost:${p}`),
      upstreamBearers,
      serverErrors,
      env,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
