/**
 * `pnpm dev`: the whole stack on one machine.
 *
 *   http://localhost:3031  development authorization server (oidc-provider)   DEV_AUTH_PORT
 *   http://127.0.0.1:3032  NeonPanel sandbox                                  DEV_SANDBOX_PORT
 *   http://localhost:3030  the MCP server                                     PORT
 *
 * The MCP server is configured exactly as in production, only pointed at these two: issuer,
 * JWKS and audience come from the same `loadConfig`, given an environment object, and every
 * token goes through the same verifier. There is no bypass in the auth path.
 *
 * The authorization server behaves as NeonPanel's does (`OAUTH_PROFILE=neonpanel`, the
 * default here) or as a standard RFC 8707 server (`OAUTH_PROFILE=standard pnpm dev`).
 */
import { ConfigError, loadConfig, resourceIdentifiers, type Config } from '../config.js';
import { createLogger } from '../logger.js';
import { startServer } from '../server.js';
import { startAuthorizationServer } from './authServer/index.js';
import { devBanner, devBrokerClient, devPorts, devServerEnv, LOOPBACK, type DevPorts } from './authServer/devStack.js';
import type { DevAuthProfile } from './authServer/index.js';
import { jwksTokenVerifier, startSandbox } from './sandbox/index.js';

let ports: DevPorts;
let config: Config;
try {
  // The dev entry point reads only its own ports here; the server's config is built by
  // loadConfig from an explicit environment object.
  ports = devPorts(process.env);
  config = loadConfig(devServerEnv(process.env, ports));
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}

const logger = createLogger(config.logLevel);
const stops: Array<() => Promise<void>> = [];
async function stopAll(): Promise<void> {
  // Last started, first stopped: the MCP server drains before its upstreams go away.
  for (const stop of stops.splice(0).reverse()) {
    await stop().catch((err: unknown) => logger.error({ err }, 'stop failed'));
  }
}

let issuer: string;
let sandboxUrl: string;
try {
  const authServer = await startAuthorizationServer({
    profile: config.oauth.profile as DevAuthProfile,
    port: ports.auth,
    host: LOOPBACK,
    issuer: config.oauth.issuer,
    resources: resourceIdentifiers(config.publicBaseUrl),
    // Broker mode: the MCP server signs people in here as NeonPanel's one confidential client.
    ...(config.authMode === 'broker' ? { clients: [devBrokerClient(config.publicBaseUrl)] } : {}),
    onError: (err) => logger.error({ err }, 'authorization server error'),
  });
  stops.push(() => authServer.close());
  issuer = authServer.issuer;

  const sandbox = await startSandbox({
    port: ports.sandbox,
    host: LOOPBACK,
    verifyToken: jwksTokenVerifier({ issuer: authServer.issuer, jwksUri: authServer.jwksUri }),
  });
  stops.push(() => sandbox.close());
  sandboxUrl = sandbox.url;

  const server = await startServer(config, { logger });
  stops.push(() => server.shutdown('dev stack stopped'));
} catch (error) {
  const { code, port } = error as NodeJS.ErrnoException & { port?: number };
  const reason = code === 'EADDRINUSE' ? `port ${port ?? '?'} is already in use` : (error as Error).message;
  process.stderr.write(`Could not start the dev stack: ${reason}\n`);
  await stopAll();
  process.exit(1);
}

process.stdout.write(devBanner({ config, issuer, sandboxUrl }));

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(130); // a second Ctrl-C means now
    stopping = true;
    process.stdout.write('\nStopping the dev stack…\n');
    stopAll().then(() => process.exit(0), () => process.exit(1));
  });
}
process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
