/**
 * HTTP wiring only: which handler runs, in which order, on which path. Every decision lives
 * in the module it names. `/mcp` runs on node:http directly (http/mcpRoute.ts explains why);
 * Express serves everything else, and the two share one list of handlers.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import express, { type RequestHandler } from 'express';
import type { Config } from './config.js';
import { resourceIdentifiers } from './config.js';
import type { Logger } from './logger.js';
import type { Handler } from './nodeHttp.js';
import type { TokenVerifier } from './auth/types.js';
import type { MetadataSource } from './auth/authorizationServerMetadata.js';
import { metadataUrlFor } from './auth/protectedResourceMetadata.js';
import { requireBearer, type ChallengeContext } from './auth/middleware.js';
import { stepUpScopes } from './auth/policy.js';
import { securityHeaders } from './http/securityHeaders.js';
import { accessLog, clientAddressOf } from './http/accessLog.js';
import { corsMiddleware } from './http/cors.js';
import { healthRouter } from './http/health.js';
import { discoveryRouter } from './http/discovery.js';
import { errorHandler, notFound } from './http/errors.js';
import { handlerChain, isMcpPath } from './http/mcpRoute.js';
import { disabledTelemetry, type Telemetry } from './telemetry/telemetry.js';
import { requestTelemetry } from './telemetry/httpRequests.js';
import { MODERN_PROTOCOL_VERSIONS } from './mcp/eras.js';
import type { McpRequest } from './mcp/runtime.js';

export interface ProtectedEndpoints {
  /** Streamable HTTP: POST, GET and DELETE on `/mcp`. */
  streamable: Handler<McpRequest>;
  /** Legacy HTTP+SSE stream: GET `/sse` and `/sse/`. */
  sse: RequestHandler;
  /** Legacy HTTP+SSE messages: POST `/messages?sessionId=…`. */
  messages: RequestHandler;
  /** REST façade: POST `/mcp/tools/call`. */
  toolsCall: RequestHandler;
  /** Runs first on the deprecated HTTP+SSE paths, so every answer there says so. */
  legacyDeprecation?: Handler;
  /** Checks run before authentication (Origin and Host validation). */
  guard?: Handler;
  /** Public documents generated from the tool registry. */
  publicRoutes?: express.Router;
}

export interface AppDeps {
  config: Config;
  logger: Logger;
  verifier: TokenVerifier;
  authorizationServerMetadata: MetadataSource;
  /** The scopes PRM and challenges name (auth/policy.ts); may change once the issuer's metadata is known. */
  advertisedScopes: () => readonly string[];
  endpoints: ProtectedEndpoints;
  /** Metrics and traces (src/telemetry/); off by default. */
  telemetry?: Telemetry;
  /** AUTH_MODE=broker: the authorization server on this origin (auth/broker/); PRM then names this origin. */
  brokerRoutes?: express.Router;
  /** The shared store, when it is Redis: `/healthz?deep=1` reports it. */
  store?: { health(): Promise<'ok' | 'unreachable'> };
}

/** Where challenges point, and the scopes they name: read on every challenge, so discovery can refine them. */
export function challengeContext(config: Config, scopes: () => readonly string[], telemetry: Telemetry = disabledTelemetry): ChallengeContext {
  return {
    ...(telemetry.enabled ? { onRefusal: (reason: string) => telemetry.recordAuthFailure(reason) } : {}),
    resourceMetadataUrl: metadataUrlFor(config.publicBaseUrl),
    get scopes() {
      return scopes();
    },
    insufficientScope: (required) => stepUpScopes(required, scopes(), config.oauth.scopeMap).join(' '),
  };
}

export function createApp(deps: AppDeps): RequestListener {
  const { config, logger, endpoints } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', config.trustProxy);
  app.set('query parser', 'simple');

  const telemetry = deps.telemetry ?? disabledTelemetry;
  // What every answer gets, in order, on both paths.
  const common: Handler[] = [
    ...(telemetry.enabled ? [requestTelemetry(telemetry, MODERN_PROTOCOL_VERSIONS)] : []),
    accessLog(logger, clientAddressOf(config.trustProxy)),
    securityHeaders({ hsts: config.publicBaseUrl.startsWith('https://') }),
    corsMiddleware(),
  ];
  app.use(...common);

  const challenge = challengeContext(config, deps.advertisedScopes, telemetry);
  const auth = requireBearer({
    verifier: deps.verifier,
    resourceMetadataUrl: challenge.resourceMetadataUrl,
    get scopes() {
      return challenge.scopes;
    },
    insufficientScope: challenge.insufficientScope!,
    ...(challenge.onRefusal ? { onRefusal: challenge.onRefusal } : {}),
    onUnexpectedError: (err) => logger.error({ err }, 'token verification failed unexpectedly'),
  });
  const pass: Handler = (_req, _res, next) => next();
  const guard = endpoints.guard ?? pass;
  const json = express.json({ limit: config.bodyLimit, type: ['application/json', 'application/*+json'] });
  // `/mcp`'s own handlers: the fast path and Express's route run this one list.
  const mcp: Handler[] = [guard, auth, endpoints.streamable];

  app.post('/mcp/tools/call', guard, auth, json, endpoints.toolsCall);
  app.all('/mcp', ...mcp);
  const deprecated = endpoints.legacyDeprecation ?? pass;
  app.get(['/sse', '/sse/'], deprecated, guard, auth, endpoints.sse);
  app.post('/messages', deprecated, guard, auth, endpoints.messages);

  app.use(healthRouter({
    neonpanelApiBase: config.neonpanelApiBase,
    jwksUri: config.oauth.jwksUri,
    ...(config.oauth.discoverJwks ? { discovery: deps.authorizationServerMetadata } : {}),
    timeoutMs: config.oauth.httpTimeoutMs,
    ...(deps.store ? { store: deps.store } : {}),
  }));
  if (deps.brokerRoutes) app.use(deps.brokerRoutes);
  app.use(discoveryRouter({
    resources: resourceIdentifiers(config.publicBaseUrl),
    issuer: deps.brokerRoutes ? config.publicBaseUrl : config.oauth.issuer,
    scopes: deps.advertisedScopes,
    documentationUrl: `${config.publicBaseUrl}/mcp/capabilities`,
    authorizationServerMetadata: deps.authorizationServerMetadata,
    logger,
  }));
  if (endpoints.publicRoutes) app.use(endpoints.publicRoutes);

  const onError = errorHandler(logger);
  app.use(notFound);
  app.use(onError);

  const mcpFastPath = handlerChain([...common, ...mcp], notFound, onError);
  return (req: IncomingMessage, res: ServerResponse) => {
    if (isMcpPath(req.url)) mcpFastPath(req, res);
    else app(req, res);
  };
}
