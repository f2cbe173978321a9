/**
 * The MCP server, built once per process from the tool registry.
 */
import { z } from 'zod';
import { throttleData, throttleOf } from './limitErrors.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  SetLevelRequestSchema,
  type JSONRPCRequest,
  type ListToolsResult,
  type LoggingLevel,
  type MessageExtraInfo,
} from '@modelcontextprotocol/sdk/types.js';
import type { AuthInfo } from '../auth/types.js';
import type { LogLevel, ToolRegistry } from '../tools/types.js';
import { createToolContext } from '../tools/context.js';
import { InsufficientScopeError, UnknownToolError, UpstreamUnauthorizedError } from '../tools/errors.js';
import type { NeonPanelClient } from '../neonpanel/types.js';
import type { ToolServices } from '../tools/services.js';
import type { Dispatcher } from './dispatcher.js';
import { sdkRequestEntry } from './sdkRequestEntry.js';
import type { SessionStore } from '../store/sessions.js';
import { VERSION } from '../version.js';
import { listedTool, relinkResult } from '../tools/accountLinking.js';
import { buildChallenge } from '../auth/challenge.js';
import type { ChallengeContext } from '../auth/middleware.js';
import type { ViewResources } from '../views/resources.js';
import { listViewResources, readViewResource, UI_EXTENSIONS, ViewNotFoundError, withViewMeta } from './uiResources.js';

/** JSON-RPC error codes the HTTP layer turns back into HTTP auth answers (server range −32000…−32099). */
export const UPSTREAM_UNAUTHORIZED = -32001;
export const INSUFFICIENT_SCOPE = -32003;

/** The specification's log levels, least severe first. */
const LOG_SEVERITY: Readonly<Record<LogLevel, number>> = {
  debug: 0, info: 1, notice: 2, warning: 3, error: 4, critical: 5, alert: 6, emergency: 7,
};

/** True when `level` is below a client's `threshold` and must not be sent; an unknown threshold filters nothing. Both eras. */
export function isBelowLogLevel(level: LogLevel, threshold: string): boolean {
  const floor = (LOG_SEVERITY as Readonly<Record<string, number>>)[threshold];
  return floor !== undefined && LOG_SEVERITY[level] < floor;
}

export const SERVER_INSTRUCTIONS =
  'Tools for a NeonPanel account: companies, inventory, warehouses, COGS, landed cost, revenue, analytics, reports, imports, ' +
  'and (where this deployment publishes them) accounting documents, payments, products and forecasting settings. ' +
  'Most tools need a company: pass its UUID or its name. Start with neonpanel_whoami if a call reports missing permissions.';

export interface McpServerDeps {
  registry: ToolRegistry;
  dispatcher: Dispatcher;
  sessions: SessionStore;
  neonpanel: NeonPanelClient;
  services: ToolServices;
  /** Where challenges point and the scopes the authorization server issues (tools/accountLinking.ts). */
  challenge: ChallengeContext;
  /** The MCP Apps views, served as `ui://` resources and linked from tools. */
  views: ViewResources;
}

/** The 1.x `Server` (2025-11-25 and earlier), with requests sent straight to its request path. */
export class ProcessWideServer extends Server {
  private readonly onRequest = sdkRequestEntry<JSONRPCRequest, MessageExtraInfo>(this, '@modelcontextprotocol/sdk');

  /**
   * The SDK's transport hook runs three zod parses on every inbound message to learn its kind,
   * and drops a message none of them accept with no answer at all: a request whose `params`
   * is an array, or whose `_meta` or `progressToken` has the wrong type, left its HTTP request
   * hanging. Every message that reaches here was classified a request by `jsonrpc.ts`, so it
   * goes to the request path the hook would have chosen (`sdkRequestEntry.ts`), where the
   * method's own schema answers a malformed one with -32602, and the parses are saved.
   */
  handleRequest(request: JSONRPCRequest, extra: MessageExtraInfo): void {
    if (this.transport === undefined) throw new Error('the MCP server is not connected');
    this.onRequest(request, extra);
  }

  /**
   * `setRequestHandler`, except that a request its schema refuses is answered -32602 (Invalid
   * params), as JSON-RPC says. The SDK parses with the schema before the handler and lets the
   * zod error become -32603 (Internal error), which also pre-empts the -32602 its own tools/call
   * wrapper means to give. So the SDK gets a schema that checks only the method, and the real
   * one runs here.
   */
  setValidatedRequestHandler<T extends RequestSchema>(schema: T, handler: RequestHandlerOf<T>): void {
    const method = schema.shape.method.value;
    this.setRequestHandler(z.looseObject({ method: z.literal(method) }), (request, extra) => {
      const parsed = schema.safeParse(request);
      if (!parsed.success) throw new McpError(ErrorCode.InvalidParams, `Invalid ${method} request: ${z.prettifyError(parsed.error)}`);
      return handler(parsed.data as z.output<T>, extra);
    });
  }
}

/** A request schema of the SDK's: an object whose `method` is a literal. */
type RequestSchema = z.ZodObject<{ method: z.ZodLiteral<string> } & z.ZodRawShape>;
type RequestHandlerOf<T extends RequestSchema> = (
  request: z.output<T>,
  extra: Parameters<Parameters<Server['setRequestHandler']>[1]>[1],
) => ReturnType<Parameters<Server['setRequestHandler']>[1]>;

export function createMcpServer(deps: McpServerDeps): ProcessWideServer {
  const { registry, dispatcher, sessions, neonpanel, services, challenge, views } = deps;
  const server = new ProcessWideServer(
    { name: 'neonpanel-mcp', title: 'NeonPanel', version: VERSION },
    {
      capabilities: { tools: { listChanged: false }, resources: { listChanged: false }, logging: {}, extensions: UI_EXTENSIONS },
      instructions: SERVER_INSTRUCTIONS,
    },
  );

  // Computed once per advertised scope list (it changes only when the issuer's metadata does).
  let listed: { scopes: readonly string[]; result: ListToolsResult } | undefined;
  server.setValidatedRequestHandler(ListToolsRequestSchema, () => {
    const scopes = challenge.scopes;
    if (listed?.scopes !== scopes) listed = { scopes, result: { tools: registry.tools.map((t) => withViewMeta(listedTool(t, scopes), t, views)) as ListToolsResult['tools'] } };
    return listed.result;
  });

  const resources = listViewResources(views);
  server.setValidatedRequestHandler(ListResourcesRequestSchema, () => resources);
  server.setValidatedRequestHandler(ListResourceTemplatesRequestSchema, () => ({ resourceTemplates: [] }));
  server.setValidatedRequestHandler(ReadResourceRequestSchema, (request) => {
    try {
      return readViewResource(views, request.params.uri);
    } catch (error) {
      if (error instanceof ViewNotFoundError) throw new McpError(error.code, error.message, { uri: error.uri });
      throw error;
    }
  });

  // Replaces the SDK's handler, which keeps levels in a map that no session end ever clears.
  server.setValidatedRequestHandler(SetLevelRequestSchema, async (request, extra) => {
    const session = dispatcher.meta(extra.requestId)?.session;
    if (session) await sessions.update(session.id, { logLevel: request.params.level as LogLevel });
    return {};
  });

  server.setValidatedRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const auth = extra.authInfo as AuthInfo;
    const meta = dispatcher.meta(extra.requestId);
    const requestId = meta?.requestId ?? String(extra.requestId);
    const progressToken = request.params._meta?.progressToken;
    const minLevel = meta?.session?.logLevel;
    const context = createToolContext({
      auth,
      requestId,
      signal: extra.signal,
      neonpanel,
      services,
      trace: meta?.trace,
      progress: async (progress, total, message) => {
        if (progressToken === undefined) return;
        await extra.sendNotification({
          method: 'notifications/progress',
          params: { progressToken, progress, ...(total !== undefined ? { total } : {}), ...(message ? { message } : {}) },
        });
      },
      log: async (level, data) => {
        if (minLevel && isBelowLogLevel(level, minLevel)) return;
        await extra.sendNotification({
          method: 'notifications/message',
          params: { level: level as LoggingLevel, logger: 'neonpanel', data },
        });
      },
    });
    try {
      return await registry.call(request.params.name, request.params.arguments ?? {}, context);
    } catch (error) {
      if (error instanceof UnknownToolError) throw new McpError(ErrorCode.InvalidParams, error.message);
      const throttle = throttleOf(error);
      if (throttle) throw new McpError(throttle.code, throttle.message, throttleData(throttle));
      if (error instanceof InsufficientScopeError) {
        throw new McpError(INSUFFICIENT_SCOPE, error.message, { scope: error.requiredScopes.join(' ') });
      }
      if (error instanceof UpstreamUnauthorizedError) {
        // A tool result, not a protocol error: see tools/accountLinking.ts for why.
        return relinkResult(error.message, buildChallenge({
          resourceMetadataUrl: challenge.resourceMetadataUrl,
          scope: challenge.scopes.join(' '),
          error: 'invalid_token',
          errorDescription: error.message,
        }));
      }
      throw error;
    }
  });

  return server;
}
