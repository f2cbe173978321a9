/**
 * One running server: builds the dependencies from a `Config`, listens, and drains on
 * shutdown. `main.ts` calls it with the environment; tests, the dev entry point and the
 * benchmark call it with their own config.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { createVerifier } from './auth/createVerifier.js';
import {
  fetchedMetadataSource,
  jwksUriOf,
  staticMetadata,
  staticMetadataSource,
  type MetadataSource,
} from './auth/authorizationServerMetadata.js';
import { describePolicy } from './auth/policy.js';
import { advertisedScopesFor } from './auth/advertisedScopes.js';
import { toolScopesOf } from './tools/scopes.js';
import type { TokenVerifier } from './auth/types.js';
import { createApp, challengeContext } from './app.js';
import { createMcpEndpoints, type McpEndpoints } from './mcp/endpoints.js';
import { ALL_TOOLS, defaultRegistry } from './tools/registry.js';
import { createToolServices } from './tools/services.js';
import type { ToolRegistry } from './tools/types.js';
import { createNeonPanelClient } from './neonpanel/client.js';
import type { NeonPanelClient } from './neonpanel/types.js';
import { createStore } from './store/createStore.js';
import { createUserLimits } from './store/limits.js';
import type { SharedStore } from './store/types.js';
import { limitedRegistry } from './tools/limitedRegistry.js';
import { restToolsHandler } from './http/restTools.js';
import { publicDocsRouter } from './http/publicDocs.js';
import type { Telemetry } from './telemetry/telemetry.js';
import { telemetryFromConfig } from './telemetry/fromConfig.js';
import { createBroker, type Broker } from './auth/broker/broker.js';
import { clientAddressOf } from './http/accessLog.js';

export interface StartOptions {
  logger?: Logger;
  registry?: ToolRegistry;
  verifier?: TokenVerifier;
  neonpanel?: NeonPanelClient;
  /** Telemetry built by the caller (tests: in-memory exporters); default: from `config.telemetry`. */
  telemetry?: Telemetry;
  /** The shared state; from the config (REDIS_URL, else in memory) when not given. */
  store?: SharedStore;
}

export interface RunningServer {
  /** The MCP runtime (sessions, streams, dispatcher), for tests and the benchmark's counters. */
  mcp: McpEndpoints['runtime'];
  url: string;
  httpServer: http.Server;
  /** The loopback-only Prometheus scrape URL, when TELEMETRY=prometheus. */
  metricsUrl?: string;
  /** The shared state this server uses. */
  store: SharedStore;
  /** Stops accepting, lets in-flight work finish within the drain deadline, then closes. */
  shutdown(reason?: string): Promise<void>;
}

function authorizationServerMetadataFor(config: Config, scopes: readonly string[]): MetadataSource {
  const s = config.oauth.staticMetadata;
  if (s) return staticMetadataSource(staticMetadata({ issuer: config.oauth.issuer, ...s, jwksUri: config.oauth.jwksUri, scopes }));
  return fetchedMetadataSource({ issuer: config.oauth.issuer, timeoutMs: config.oauth.httpTimeoutMs });
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const configured = options.telemetry
    ? { telemetry: options.telemetry, close: async () => {} }
    : await telemetryFromConfig(config);
  const { telemetry } = configured;
  const registry = options.registry ?? defaultRegistry({
    selection: config.mcp.tools,
    onUnexpectedError: (err, tool) => logger.error({ err, tool }, 'tool failed unexpectedly'),
    ...(telemetry.enabled ? { observe: (name, run, parent) => telemetry.observeTool(name, run, parent) } : {}),
  });
  // A test registry brings its own scopes; otherwise the whole catalogue's (see tools/scopes.ts).
  const toolScopes = toolScopesOf(options.registry ? registry.tools : ALL_TOOLS);
  const authorizationServerMetadata = authorizationServerMetadataFor(config, advertisedScopesFor(config, toolScopes)());
  const broker = config.authMode === 'broker';
  // In broker mode our own tokens carry the tools' scopes, whatever NeonPanel issues.
  const brokerScopes = config.oauth.advertisedScopes ?? toolScopes;
  const advertised = broker ? () => brokerScopes : advertisedScopesFor(config, toolScopes, authorizationServerMetadata);
  let stopPurging = () => {};
  let verifier = options.verifier;
  if (!verifier && !broker) {
    const cached = createVerifier(config, {
      toolScopes,
      discoveredJwksUri: () => authorizationServerMetadata.get().then(jwksUriOf),
    });
    stopPurging = cached.startPurging();
    verifier = cached;
  }
  // Discovery starts now, in the background: an issuer that is down at start-up must not
  // stop the process; requests that need a key get 503 until it answers.
  authorizationServerMetadata.get().then(
    () => logger.info({ issuer: config.oauth.issuer }, 'authorization server metadata discovered'),
    (err: unknown) => logger.warn({ issuer: config.oauth.issuer, reason: (err as Error).message }, 'authorization server metadata not available yet'),
  );
  // Broker mode accepts only our own tokens: the direct profile's policy would describe nothing in force.
  logger.info(broker
    ? { mode: 'broker', issuer: config.publicBaseUrl, audiences: config.oauth.audiences, upstreamIssuer: config.oauth.issuer, advertised: advertised() }
    : describePolicy({
        profile: config.oauth.profile,
        audiences: config.oauth.audiences,
        allowedClients: config.oauth.allowedClients,
        map: config.oauth.scopeMap,
        advertised: advertised(),
      }), 'auth policy');
  const store = options.store ?? createStore(config, (err) => {
    telemetry.recordStoreError('connection');
    logger.warn({ err: { message: err.message } }, 'shared store error');
  });
  let brokered: Broker | undefined;
  if (broker) {
    brokered = await createBroker({ config, store, logger, toolScopes, upstreamMetadata: authorizationServerMetadata, clientAddress: clientAddressOf(config.trustProxy) });
    verifier ??= brokered.verifier;
  }
  const neonpanel = options.neonpanel ?? createNeonPanelClient(config, logger, {
    socketsPerUser: config.limits.socketsPerUser,
    ...(telemetry.enabled ? { observer: telemetry.upstream } : {}),
    ...(brokered ? { upstreamToken: brokered.upstreamTokens } : {}),
  });
  const challenge = challengeContext(config, advertised, telemetry);
  const limits = createUserLimits(store, {
    requestsPerSecond: config.limits.requestsPerSecond,
    burst: config.limits.burst,
    concurrentUpstream: config.limits.concurrentUpstream,
    onRefusal: (limit) => {
      telemetry.recordLimitRefusal(limit);
      logger.info({ limit }, 'request refused: over a per-user limit');
    },
    onStoreError: (err) => telemetry.recordStoreError(err.operation),
  });
  const limited = limitedRegistry(registry, limits);
  const services = createToolServices({
    neonpanelBaseUrl: config.neonpanelApiBase,
    companyCacheTtlMs: config.upstream.companyCacheTtlMs,
    idempotency: store.idempotency,
    // A write's lease outlives every request it may send: each attempt's timeout, and a margin.
    writeLeaseMs: config.upstream.timeoutMs * (1 + config.upstream.retries) + 5_000,
  });
  const mcp = createMcpEndpoints({ config, logger, registry: limited, neonpanel, services, challenge, telemetry, store, limits });
  const app = createApp({
    config,
    logger,
    verifier: verifier!,
    authorizationServerMetadata,
    ...(brokered ? { brokerRoutes: brokered.routes } : {}),
    advertisedScopes: advertised,
    telemetry,
    ...(store.kind === 'redis' ? { store } : {}),
    endpoints: {
      ...mcp.endpoints,
      toolsCall: restToolsHandler({ registry: limited, neonpanel, services, challenge, limits }),
      publicRoutes: publicDocsRouter({
        registry,
        publicBaseUrl: config.publicBaseUrl,
        issuer: broker ? config.publicBaseUrl : config.oauth.issuer,
        scopes: advertised(),
        sessionMode: config.mcp.sessionMode,
        // Broker mode: the documents name our endpoints, not NeonPanel's.
        authorizationServerMetadata: brokered?.metadata ?? authorizationServerMetadata,
      }),
    },
  });

  const httpServer = http.createServer(app);
  httpServer.keepAliveTimeout = config.http.keepAliveTimeoutMs;
  httpServer.headersTimeout = config.http.headersTimeoutMs;
  // SSE responses live for hours; requestTimeout would cut the request phase of a slow
  // client only, but 0 keeps Node from ever timing out a long stream on our behalf.
  httpServer.requestTimeout = 0;

  // In-flight requests, so the drain knows when it is done.
  let inFlight = 0;
  let draining = false;
  let drained: (() => void) | undefined;
  httpServer.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
    inFlight++;
    // While draining, answers tell the client not to reuse the connection.
    if (draining) res.setHeader('Connection', 'close');
    res.once('close', () => {
      inFlight--;
      if (inFlight === 0) drained?.();
    });
  });

  await store.ready();
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const address = httpServer.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  let shuttingDown: Promise<void> | undefined;
  async function shutdown(reason = 'shutdown'): Promise<void> {
    shuttingDown ??= (async () => {
      logger.info({ reason, inFlight, drainMs: config.shutdownDrainMs }, 'draining');
      draining = true;
      const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      httpServer.closeIdleConnections();
      // Long-lived streams end now; in-flight tool calls keep going until the deadline.
      await mcp.close();
      const idle = inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => (drained = resolve));
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'deadline'>((resolve) => {
        timer = setTimeout(() => resolve('deadline'), config.shutdownDrainMs);
      });
      const outcome = await Promise.race([idle.then(() => 'drained' as const), deadline]);
      clearTimeout(timer);
      if (outcome === 'deadline') logger.warn({ inFlight }, 'drain deadline reached; closing remaining connections');
      httpServer.closeAllConnections();
      await closed;
      stopPurging();
      await neonpanel.close?.();
      await configured.close();
      if (!options.store) await store.close();
      logger.info({ outcome }, 'stopped');
    })();
    return shuttingDown;
  }

  if (configured.metricsUrl) logger.info({ metricsUrl: configured.metricsUrl }, 'metrics on loopback');
  return { url, httpServer, shutdown, mcp: mcp.runtime, store, ...(configured.metricsUrl ? { metricsUrl: configured.metricsUrl } : {}) };
}
