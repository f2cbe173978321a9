/**
 * The 2026-07-28 (modern) MCP server: ONE v2 SDK `Server` for the whole process, fed by
 * the same dispatcher design as the legacy server.
 *
 * The v2 SDK serves the modern era by building a `Server` and a `PerRequestHTTPServerTransport`
 * for every HTTP request (`createMcpHandler`), and it binds a `Server` to the modern era only
 * when it connects to that transport class. Building a server per request is most of the
 * reference server's cost (see bench/), so we wrap instead: `ProcessWideModernTransport`
 * extends the per-request transport only to get that binding, and then behaves as a
 * long-lived dispatcher transport. Everything the revision requires of results stays the
 * SDK's: envelope validation, `resultType`, `ttlMs`/`cacheScope` from `cacheHints`,
 * `serverInfo` in `_meta`, `server/discover`, and the per-request log level.
 * Two more per-message costs of the SDK's connection-oriented design are replaced, both in
 * `ProcessWideModernServer` below. The SDK version is pinned exactly; `test/mcp/modern.test.ts`
 * fails if the binding or either replacement stops working.
 */
import {
  LOG_LEVEL_META_KEY,
  PerRequestHTTPServerTransport,
  ProtocolError,
  ProtocolErrorCode,
  Server,
  type BaseContext,
  type CallToolResult,
  type JSONRPCMessage,
  type JSONRPCRequest,
  type ListToolsResult,
  type MessageClassification,
  type MessageExtraInfo,
  type ServerContext,
  type TransportSendOptions,
} from '@modelcontextprotocol/server';
import type { AuthInfo } from '../auth/types.js';
import type { LogLevel, ToolRegistry } from '../tools/types.js';
import { createToolContext } from '../tools/context.js';
import { InsufficientScopeError, UnknownToolError, UpstreamUnauthorizedError } from '../tools/errors.js';
import type { NeonPanelClient } from '../neonpanel/types.js';
import type { ToolServices } from '../tools/services.js';
import { VERSION } from '../version.js';
import { throttleData, throttleOf } from './limitErrors.js';
import type { Dispatcher } from './dispatcher.js';
import { MODERN_PROTOCOL_VERSIONS } from './eras.js';
import { sdkRequestEntry } from './sdkRequestEntry.js';
import { INSUFFICIENT_SCOPE, SERVER_INSTRUCTIONS, UPSTREAM_UNAUTHORIZED, isBelowLogLevel } from './server.js';
import type { ViewResources } from '../views/resources.js';
import { wireTool } from '../tools/listing.js';
import { listViewResources, readViewResource, UI_EXTENSIONS, ViewNotFoundError, withViewMeta } from './uiResources.js';

/**
 * How long a client may reuse `tools/list`. `private`: the list is per user once toolsets
 * and scopes shape it, so no shared cache may serve it to another token.
 */
export const TOOLS_LIST_CACHE = { ttlMs: 300_000, cacheScope: 'private' } as const;
/** `server/discover` is the same for every caller. */
export const DISCOVER_CACHE = { ttlMs: 3_600_000, cacheScope: 'public' } as const;
/**
 * The views are the same for every caller and change only with a deploy, which changes their
 * URIs (content hash): the list may be cached an hour, a read for a day.
 */
export const RESOURCES_LIST_CACHE = { ttlMs: 3_600_000, cacheScope: 'public' } as const;
export const RESOURCE_READ_CACHE = { ttlMs: 86_400_000, cacheScope: 'public' } as const;

const MODERN: MessageClassification = { era: 'modern', revision: MODERN_PROTOCOL_VERSIONS[0]! };

/**
 * `ctx.mcpReq.log` for the 2026-07-28 revision: send only when the request's envelope names a
 * level, and nothing below it (this server always declares the logging capability and serves
 * only that era). A method of the request's `mcpReq`, so it must be called as
 * `ctx.mcpReq.log(...)`, which is how the SDK documents it and how `createToolContext` calls it.
 */
function logByEnvelope(this: ServerContext['mcpReq'], level: LogLevel, data: unknown, logger?: string): Promise<void> {
  const threshold = (this.envelope as Record<string, unknown> | undefined)?.[LOG_LEVEL_META_KEY];
  if (typeof threshold !== 'string' || isBelowLogLevel(level, threshold)) return Promise.resolve();
  return this.notify({ method: 'notifications/message', params: { level, data, ...(logger !== undefined ? { logger } : {}) } });
}

/**
 * The v2 `Server`, minus two per-message costs that exist for connections we do not have.
 * Measured with callgrind on 2,000 warm 2026-07-28 trivial `tools/call`s (main thread):
 * 555k instructions per call with neither change, 512k with `handleRequest`, 481k with both
 * (489k later, on a machine that read 344k for the 2025-era call); 429k once `buildContext`
 * stored no per-request closure and the zod patch (patches/) let failed parses die young.
 */
export class ProcessWideModernServer extends Server {
  private readonly onRequest = sdkRequestEntry<JSONRPCRequest, MessageExtraInfo>(this, '@modelcontextprotocol/server');

  /**
   * The SDK's transport hook runs three zod parses on every inbound message to learn its kind
   * (a result? an error? a request?): 43k instructions a call. Every message that reaches here
   * was already proved a JSON-RPC request by the SDK's own classifier in `eras.ts`, so it goes
   * straight to the request path the hook would have chosen (`sdkRequestEntry.ts`).
   */
  handleRequest(request: JSONRPCRequest, extra: MessageExtraInfo): void {
    if (this.transport === undefined) throw new Error('the 2026-07-28 server is not connected');
    this.onRequest(request, extra);
  }

  /**
   * The SDK's `buildContext` copies the request context into three new objects per call
   * (31k instructions, 6 % of a call), for transports that hand over a web `Request` or SSE
   * controls. Ours hands over neither, and the SDK builds `ctx` afresh for each request, so
   * this completes it in place with what the SDK's adds: `log` with its 2026-07-28 rule (see
   * `logByEnvelope`), and elicitation and sampling through the SDK's own methods.
   *
   * Every value added here is one function shared by all requests. A closure made per request
   * and stored on the SDK's `mcpReq` object kept the whole request (body, auth, context,
   * response) alive through every scavenge until the next full GC: 0.86 MB copied per
   * scavenge against 0.22 MB with the shared function (`--trace-gc-nvp`, 2,000 warm calls).
   */
  protected override buildContext(ctx: BaseContext, _extra?: MessageExtraInfo): ServerContext {
    const mcpReq = ctx.mcpReq as ServerContext['mcpReq'];
    mcpReq.log = logByEnvelope;
    mcpReq.elicitInput = this.elicitThroughSdk;
    mcpReq.requestSampling = this.sampleThroughSdk;
    return ctx as ServerContext;
  }

  private readonly elicitThroughSdk: ServerContext['mcpReq']['elicitInput'] = (params, options) => this.elicitInput(params, options);
  private readonly sampleThroughSdk: ServerContext['mcpReq']['requestSampling'] = (params, options) => this.createMessage(params, options);
}

/** See the module comment: a per-request transport in type only, long-lived in behaviour. */
export class ProcessWideModernTransport extends PerRequestHTTPServerTransport {
  constructor(private readonly dispatcher: Dispatcher, server: ProcessWideModernServer) {
    super({ classification: MODERN });
    const classified = (extra: unknown): MessageExtraInfo => ({ ...(extra as MessageExtraInfo), classification: MODERN });
    // Requests skip the SDK's message-kind parses (see handleRequest); notifications do not.
    dispatcher.routeRequestsTo((request, extra) => server.handleRequest(request as unknown as JSONRPCRequest, classified(extra)));
    dispatcher.onmessage = (message, extra) => this.onmessage?.(message as unknown as JSONRPCMessage, classified(extra));
  }

  override async start(): Promise<void> {}

  override async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    await this.dispatcher.send(message as never, options as never);
  }

  override async close(): Promise<void> {
    this.onclose?.();
  }
}

export interface ModernServerDeps {
  registry: ToolRegistry;
  dispatcher: Dispatcher;
  neonpanel: NeonPanelClient;
  services: ToolServices;
  /** The MCP Apps views, served as `ui://` resources and linked from tools. */
  views: ViewResources;
}

export function createModernServer(deps: ModernServerDeps): ProcessWideModernServer {
  const { registry, dispatcher, neonpanel, services, views } = deps;
  const server = new ProcessWideModernServer(
    { name: 'neonpanel-mcp', title: 'NeonPanel', version: VERSION },
    {
      supportedProtocolVersions: [...MODERN_PROTOCOL_VERSIONS],
      capabilities: { tools: { listChanged: false }, resources: { listChanged: false }, logging: {}, extensions: UI_EXTENSIONS },
      instructions: SERVER_INSTRUCTIONS,
      cacheHints: {
        'tools/list': TOOLS_LIST_CACHE,
        'server/discover': DISCOVER_CACHE,
        'resources/list': RESOURCES_LIST_CACHE,
        'resources/templates/list': RESOURCES_LIST_CACHE,
        'resources/read': RESOURCE_READ_CACHE,
      },
    },
  );

  // Computed once, in registry order: deterministic, as clients' caches and prompt caches want.
  const listResult = {
    tools: registry.tools.map((tool) => withViewMeta(wireTool(tool), tool, views)),
  } as unknown as ListToolsResult;
  server.setRequestHandler('tools/list', () => listResult);

  const resources = listViewResources(views);
  server.setRequestHandler('resources/list', () => resources);
  server.setRequestHandler('resources/templates/list', () => ({ resourceTemplates: [] }));
  server.setRequestHandler('resources/read', (request) => {
    try {
      return readViewResource(views, request.params.uri);
    } catch (error) {
      if (error instanceof ViewNotFoundError) throw new ProtocolError(ProtocolErrorCode.InvalidParams, error.message, { uri: error.uri });
      throw error;
    }
  });

  server.setRequestHandler('tools/call', async (request, ctx) => {
    const auth = ctx.http?.authInfo as AuthInfo;
    const meta = dispatcher.meta(ctx.mcpReq.id);
    const requestId = meta?.requestId ?? String(ctx.mcpReq.id);
    const progressToken = (request.params._meta as { progressToken?: string | number } | undefined)?.progressToken;
    const context = createToolContext({
      auth,
      requestId,
      signal: ctx.mcpReq.signal,
      neonpanel,
      services,
      trace: meta?.trace,
      // Only when the request asked (progressToken): the SDK sends it on this request's own stream.
      progress: async (progress, total, message) => {
        if (progressToken === undefined) return;
        await ctx.mcpReq.notify({
          method: 'notifications/progress',
          params: { progressToken, progress, ...(total !== undefined ? { total } : {}), ...(message ? { message } : {}) },
        });
      },
      // The SDK sends nothing unless the request's `_meta` names a log level, and filters below it.
      log: (level: LogLevel, data: unknown) => ctx.mcpReq.log(level, data, 'neonpanel'),
    });
    try {
      return (await registry.call(request.params.name, request.params.arguments ?? {}, context)) as unknown as CallToolResult;
    } catch (error) {
      if (error instanceof UnknownToolError) throw new ProtocolError(ProtocolErrorCode.InvalidParams, error.message);
      const throttle = throttleOf(error);
      if (throttle) throw new ProtocolError(throttle.code, throttle.message, throttleData(throttle));
      if (error instanceof InsufficientScopeError) {
        throw new ProtocolError(INSUFFICIENT_SCOPE, error.message, { scope: error.requiredScopes.join(' ') });
      }
      if (error instanceof UpstreamUnauthorizedError) throw new ProtocolError(UPSTREAM_UNAUTHORIZED, error.message);
      throw error;
    }
  });

  return server;
}
