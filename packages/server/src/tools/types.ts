/**
 * A tool is data: name, scope, schemas, annotations and a handler. One registry of these
 * feeds MCP `tools/list`, the REST façade, `/mcp/capabilities`, the OpenAPI document and
 * the tests.
 */
import type { z } from 'zod';
import type { CallToolResult, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import type { AuthInfo } from '../auth/types.js';
import type { NeonPanelApi, TraceParent } from '../neonpanel/types.js';
import type { ToolServices } from './services.js';
import type { Toolset } from '../config.js';
import type { ViewId } from '../views/catalogue.js';

export type { Toolset };

/**
 * A tool's MCP Apps view: which view renders its result, and who may call it. `['app']` makes
 * an app-only tool (paging, sorting, drill-down): hosts offer it to the view, not to the model.
 * It still passes the same bearer check, scope and limits as any tool: the server cannot tell
 * who calls.
 */
export interface ToolViewLink {
  view: ViewId;
  /** MCP Apps `_meta.ui.visibility`; omitted means the spec's default, model and app. */
  visibility?: readonly ('model' | 'app')[];
}

export type LogLevel = 'debug' | 'info' | 'notice' | 'warning' | 'error' | 'critical' | 'alert' | 'emergency';

/** Everything a handler may know about its call. The caller comes only from `auth`. */
export interface ToolContext {
  auth: AuthInfo;
  /** Token subject (`sub`). */
  subject: string;
  requestId: string;
  signal: AbortSignal;
  /**
   * The trace context of this call (opaque; telemetry makes it): the request's when the
   * context is built, the tool span's once the registry observes the call. Undefined when
   * telemetry is off.
   */
  trace?: TraceParent | undefined;
  /**
   * The NeonPanel API as this caller, its requests traced under `this.trace`. A method (call
   * it on the context), so the registry re-parents a call with `{ ...context, trace }` alone.
   */
  neonpanel(this: ToolContext): NeonPanelApi;
  /** Set by the limited registry: each NeonPanel request of this call takes an in-flight lease through it. */
  upstreamAdmission?: (() => Promise<() => void>) | undefined;
  /** Caches shared across calls (companies per subject, idempotency keys). */
  services: ToolServices;
  /** Reports progress when the client asked for it (a progress token); a no-op otherwise. */
  progress(progress: number, total?: number, message?: string): Promise<void>;
  /** An MCP log message to the client, filtered by the session's `logging/setLevel`. */
  log(level: LogLevel, data: unknown): Promise<void>;
}

export interface ToolDefinition<Input extends z.ZodObject = z.ZodObject, Output extends z.ZodType = z.ZodType> {
  /** snake_case with a domain prefix, at most 64 characters, no dots. */
  name: string;
  title: string;
  /** When to use the tool and what it returns. */
  description: string;
  /** The OAuth scope a caller needs; undefined for tools any authenticated caller may use. */
  scope: string | undefined;
  /** The group MCP_TOOLSETS selects it by. */
  toolset: Toolset;
  /**
   * The NeonPanel operationIds (from the contract) this tool calls, besides the shared lookups
   * that resolve names to ids (companies, items, warehouses, vendors, services). Data, so a
   * test can prove every business operation of the contract is reachable through some tool.
   */
  operations: readonly string[];
  input: Input;
  /** Set on every read tool; its `structuredContent` validates against it. */
  output?: Output;
  annotations: Required<Pick<ToolAnnotations, 'readOnlyHint' | 'destructiveHint' | 'idempotentHint' | 'openWorldHint'>>;
  /** The view that renders this tool's result (published as `_meta.ui`); most tools have none. */
  ui?: ToolViewLink;
  handler(args: z.output<Input>, context: ToolContext): Promise<CallToolResult>;
}

/** A tool as published: JSON Schemas computed once at start-up. */
export interface PublishedTool {
  name: string;
  title: string;
  description: string;
  scope: string | undefined;
  toolset: Toolset;
  /** True when the tool only reads (annotations.readOnlyHint); MCP_READ_ONLY keeps only these. */
  readOnly: boolean;
  operations: readonly string[];
  inputSchema: { type: 'object'; [key: string]: unknown };
  outputSchema?: { type: 'object'; [key: string]: unknown };
  annotations: ToolAnnotations;
  ui?: ToolViewLink;
}

export interface ToolRegistry {
  readonly tools: readonly PublishedTool[];
  get(name: string): PublishedTool | undefined;
  /** Validates arguments, runs the handler and maps failures to tool results. */
  call(name: string, args: unknown, context: ToolContext): Promise<CallToolResult>;
}
