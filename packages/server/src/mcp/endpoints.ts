/**
 * Builds the MCP side of the server once: the SDK Server, its dispatcher, the session
 * store and the transports' HTTP handlers. `close()` ends session streams at shutdown,
 * while in-flight calls finish.
 */
import type { RequestHandler } from 'express';
import type { Handler } from '../nodeHttp.js';
import type { McpRequest } from './runtime.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { ChallengeContext } from '../auth/middleware.js';
import type { ToolRegistry } from '../tools/types.js';
import type { NeonPanelClient } from '../neonpanel/types.js';
import type { ToolServices } from '../tools/services.js';
import { Dispatcher, type TraceResolver } from './dispatcher.js';
import { createMcpServer } from './server.js';
import { createModernServer, ProcessWideModernTransport } from './modernServer.js';
import type { SessionStore } from '../store/sessions.js';
import { createMemoryStore } from '../store/memory.js';
import { createUserLimits, type UserLimits } from '../store/limits.js';
import type { SharedStore } from '../store/types.js';
import { StreamRegistry } from './sse.js';
import { streamableHandler } from './streamable.js';
import { legacySseHandlers } from './legacySse.js';
import { requestGuard } from './guard.js';
import { legacySseDeprecation } from './deprecation.js';
import type { McpRuntime } from './runtime.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import { loadViewResources, type ViewResources } from '../views/resources.js';

export interface McpEndpointsDeps {
  config: Config;
  logger: Logger;
  registry: ToolRegistry;
  neonpanel: NeonPanelClient;
  services: ToolServices;
  challenge: ChallengeContext;
  sessions?: SessionStore;
  /** Off by default: then the dispatchers resolve no trace and nothing is observed. */
  telemetry?: Telemetry;
  /** The shared state (sessions, relay); in memory when not given. */
  store?: SharedStore;
  /** Per-user limits; built on `store` when not given. */
  limits?: UserLimits;
  /** The built MCP Apps views; read from dist/views when not given. */
  views?: ViewResources;
}

export interface McpEndpoints {
  endpoints: { streamable: Handler<McpRequest>; sse: RequestHandler; messages: RequestHandler; guard: Handler; legacyDeprecation: Handler };
  runtime: McpRuntime;
  close(): Promise<void>;
}

export function createMcpEndpoints(deps: McpEndpointsDeps): McpEndpoints {
  const { config, logger } = deps;
  const store = deps.store ?? createMemoryStore();
  const sessions = deps.sessions ?? store.sessions({
    maxSessions: config.mcp.maxSessions,
    maxSessionsPerSubject: config.mcp.maxSessionsPerSubject,
    idleTimeoutMs: config.mcp.sessionIdleTimeoutMs,
  });
  const limits = deps.limits ?? createUserLimits(store, {
    requestsPerSecond: config.limits.requestsPerSecond,
    burst: config.limits.burst,
    concurrentUpstream: config.limits.concurrentUpstream,
  });
  const streams = new StreamRegistry();
  const telemetry = deps.telemetry?.enabled ? deps.telemetry : undefined;
  // A request's `_meta` trace context (SEP-414) becomes the parent of its tool span.
  const traceOf: TraceResolver | undefined = telemetry ? (params, httpTrace) => telemetry.traceParentOf(params, httpTrace) : undefined;
  telemetry?.observeOpen({ sessions: () => sessions.size, streams: () => streams.size });
  const views = deps.views ?? loadViewResources();
  const dispatcher = new Dispatcher(traceOf);
  const server = createMcpServer({ registry: deps.registry, dispatcher, sessions, neonpanel: deps.neonpanel, services: deps.services, challenge: deps.challenge, views });
  server.onerror = (error) => logger.warn({ err: error }, 'mcp protocol error');
  void server.connect(dispatcher);
  dispatcher.routeRequestsTo((request, extra) => server.handleRequest(request, extra));

  const modernDispatcher = new Dispatcher(traceOf);
  const modernServer = createModernServer({ registry: deps.registry, dispatcher: modernDispatcher, neonpanel: deps.neonpanel, services: deps.services, views });
  modernServer.onerror = (error) => logger.debug({ err: error }, 'mcp protocol error (2026-07-28)');
  void modernServer.connect(new ProcessWideModernTransport(modernDispatcher, modernServer));

  const runtime: McpRuntime = {
    config,
    logger,
    registry: deps.registry,
    dispatcher,
    modernDispatcher,
    sessions,
    streams,
    challenge: deps.challenge,
    limits,
    relay: store.relay,
    accepting: true,
  };

  streams.startKeepAlive(config.mcp.sseKeepAliveMs);
  const sweepEvery = Math.min(Math.max(Math.floor(config.mcp.sessionIdleTimeoutMs / 4), 1000), 60_000);
  // Idle sessions go, and so do streams whose session is gone (expired, or deleted on another
  // task): keep-alives alone must not keep a zombie stream open.
  const sweep = async (): Promise<void> => {
    const evicted = await sessions.evictIdle();
    const gone = await sessions.missing(streams.sessionIds());
    for (const id of new Set([...evicted, ...gone])) streams.closeSession(id);
    if (evicted.length + gone.length > 0) logger.debug({ evicted: evicted.length, streamsClosed: gone.length }, 'idle sessions evicted');
  };
  const sweeper = setInterval(() => {
    sweep().catch((err: unknown) => logger.warn({ err }, 'session eviction failed'));
  }, sweepEvery);
  sweeper.unref();

  const sse = legacySseHandlers(runtime);
  return {
    endpoints: {
      streamable: streamableHandler(runtime),
      sse: sse.stream,
      messages: sse.messages,
      legacyDeprecation: legacySseDeprecation(config.mcp.legacySseSunset),
      guard: requestGuard({ allowedOrigins: config.mcp.allowedOrigins, allowedHosts: config.mcp.allowedHosts }),
    },
    runtime,
    async close() {
      runtime.accepting = false;
      clearInterval(sweeper);
      streams.closeStandalone();
      streams.stopKeepAlive();
    },
  };
}
