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
 * The SDK version is pinned exactly; `test/mcp/modern.test.ts` fails if the binding stops working.
 */
import {
  PerRequestHTTPServerTransport,
  ProtocolError,
  ProtocolErrorCode,
  Server,
  type CallToolResult,
  type JSONRPCMessage,
  type ListToolsResult,
  type MessageClassification,
  type MessageExtraInfo,
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
import { INSUFFICIENT_SCOPE, SERVER_INSTRUCTIONS, UPSTREAM_UNAUTHORIZED } from './server.js';

/**
 * How long a client may reuse `tools/list`. `private`: the list is per user once toolsets
 * and scopes shape it, so no shared cache may serve it to another token.
 */
export const TOOLS_LIST_CACHE = { ttlMs: 300_000, cacheScope: 'private' } as const;
/** `server/discover` is the same for every caller. */
export const DISCOVER_CACHE = { ttlMs: 3_600_000, cacheScope: 'public' } as const;

const MODERN: MessageClassification = { era: 'modern', revision: MODERN_PROTOCOL_VERSIONS[0]! };

/** See the module comment: a per-request transport in type only, long-lived in behaviour. */
export class ProcessWideModernTransport extends PerRequestHTTPServerTransport {
  constructor(private readonly dispatcher: Dispatcher) {
    super({ classification: MODERN });
    dispatcher.onmessage = (message, extra) => {
      this.onmessage?.(message as unknown as JSONRPCMessage, { ...(extra as unknown as MessageExtraInfo), classification: MODERN });
    };
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
}

export function createModernServer(deps: ModernServerDeps): Server {
  const { registry, dispatcher, neonpanel, services } = deps;
  const server = new Server(
    { name: 'neonpanel-mcp', title: 'NeonPanel', version: VERSION },
    {
      supportedProtocolVersions: [...MODERN_PROTOCOL_VERSIONS],
      capabilities: { tools: { listChanged: false }, logging: {} },
      instructions: SERVER_INSTRUCTIONS,
      cacheHints: { 'tools/list': TOOLS_LIST_CACHE, 'server/discover': DISCOVER_CACHE },
    },
  );

  // Computed once, in registry order: deterministic, as clients' caches and prompt caches want.
  const listResult = {
    tools: registry.tools.map(({ scope: _scope, ...tool }) => tool),
  } as unknown as ListToolsResult;
  server.setRequestHandler('tools/list', () => listResult);

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
