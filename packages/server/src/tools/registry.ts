/**
 * The one list of tools, narrowed to the deployment's toolsets (MCP_TOOLSETS, MCP_READ_ONLY)
 * here and nowhere else. Schemas are converted to JSON Schema once, here, and every consumer
 * (MCP tools/list, the REST façade, /mcp/capabilities, the OpenAPI document) reads the same
 * published form, so they all follow the selection.
 */
import { RateLimitedError } from '../store/limits.js';
import { StoreUnavailableError } from '../store/types.js';
import { z } from 'zod';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { PublishedTool, ToolContext, ToolDefinition, ToolRegistry } from './types.js';
import type { TraceParent } from '../neonpanel/types.js';
import { UNKNOWN_TOOL_LABEL } from '../telemetry/vocabulary.js';
import { InsufficientScopeError, ToolInputError, UnknownToolError, UpstreamUnauthorizedError } from './errors.js';
import { errorResult } from './result.js';
import { NeonPanelError } from '../neonpanel/errors.js';
import { outcomeOfError, outcomeOfResult, type ToolOutcome } from './outcome.js';
import { accountTools } from './account.js';
import { companyTools } from './companies.js';
import { warehouseTools } from './warehouses.js';
import { inventoryTools } from './inventory.js';
import { costTools } from './costs.js';
import { revenueTools } from './revenue.js';
import { reportTools } from './reports.js';
import { importTools } from './imports.js';
import { researchTools } from './research.js';
import { documentTools } from './documents.js';
import { paymentTools } from './payments.js';
import { catalogueTools } from './catalogue.js';
import { forecastingTools } from './forecasting.js';
import { inventoryWriteTools } from './inventoryWrites.js';
import { viewTools } from './viewTools.js';
import type { ToolsetSelection } from '../config.js';

const TOOL_NAME = /^[a-z][a-z0-9]*(_[a-z0-9]+)+$/;
/** ChatGPT deep research and connectors look for exactly these names. */
const CLIENT_MANDATED_NAMES = new Set(['search', 'fetch']);

type ObjectSchema = { type: 'object'; [key: string]: unknown };

/** Plain JSON Schema (no `$ref`, no `$schema`), as clients that inline schemas expect. */
export function toObjectSchema(schema: z.ZodType, io: 'input' | 'output', where: string): ObjectSchema {
  const json = z.toJSONSchema(schema, { io, reused: 'inline', unrepresentable: 'any' }) as Record<string, unknown>;
  delete json['$schema'];
  if (json['type'] !== 'object') throw new Error(`${where}: schema must be an object schema`);
  if (JSON.stringify(json).includes('"$ref"')) throw new Error(`${where}: schema must not use $ref`);
  return json as ObjectSchema;
}

function publish(def: ToolDefinition): PublishedTool {
  if ((!TOOL_NAME.test(def.name) && !CLIENT_MANDATED_NAMES.has(def.name)) || def.name.length > 64) {
    throw new Error(`Tool name ${def.name} must be snake_case with a domain prefix and at most 64 characters`);
  }
  return {
    name: def.name,
    title: def.title,
    description: def.description,
    scope: def.scope,
    toolset: def.toolset,
    readOnly: def.annotations.readOnlyHint,
    operations: def.operations,
    inputSchema: toObjectSchema(def.input, 'input', `${def.name} input`),
    ...(def.output ? { outputSchema: toObjectSchema(def.output, 'output', `${def.name} output`) } : {}),
    annotations: { title: def.title, ...def.annotations },
    ...(def.ui ? { ui: def.ui } : {}),
  };
}

export interface RegistryOptions {
  /** Called with failures that are bugs, not user errors; the caller still gets a tool error. */
  onUnexpectedError?: (error: unknown, toolName: string) => void;
  /** Which tools to publish (MCP_TOOLSETS, MCP_READ_ONLY). Default: every tool given. */
  selection?: ToolsetSelection;
  /**
   * Runs around every call (telemetry: a span under `parent`, a duration, the outcome). `run`
   * must be called once, with the call's own trace context (the tool span's), which the
   * NeonPanel requests of the call continue; it reports how the call ended through `outcome`
   * before it settles. Absent: no cost.
   */
  observe?: ToolObserver;
}

export type ToolObserver = (
  name: string,
  run: (outcome: (outcome: ToolOutcome) => void, trace: TraceParent) => Promise<CallToolResult>,
  parent: TraceParent | undefined,
) => Promise<CallToolResult>;

const UNOBSERVED = (): void => {};

/** Whether a tool is published under a selection; see `ToolsetSelection` in config.ts. */
export function isSelected(def: Pick<ToolDefinition, 'toolset' | 'annotations'>, selection: ToolsetSelection): boolean {
  const reads = def.annotations.readOnlyHint;
  if (selection.readOnly && !reads) return false;
  if (selection.toolsets === 'all') return true;
  if (selection.toolsets === 'default') return reads || def.toolset === 'imports';
  return selection.toolsets.includes(def.toolset);
}

export function createRegistry(definitions: readonly ToolDefinition[], options: RegistryOptions = {}): ToolRegistry {
  const entries = new Map<string, { def: ToolDefinition; published: PublishedTool }>();
  const names = new Set<string>();
  for (const def of definitions) {
    if (names.has(def.name)) throw new Error(`Duplicate tool name ${def.name}`);
    names.add(def.name);
    // A tool left out is absent everywhere: tools/list, the REST façade, the public documents,
    // and a call by name answers "unknown tool".
    if (options.selection && !isSelected(def, options.selection)) continue;
    entries.set(def.name, { def, published: publish(def) });
  }
  const tools = Object.freeze([...entries.values()].map((e) => e.published));

  return {
    tools,
    get: (name) => entries.get(name)?.published,
    call(name: string, args: unknown, context: ToolContext): Promise<CallToolResult> {
      const observe = options.observe;
      if (!observe) return invoke(name, args, context, UNOBSERVED);
      const label = entries.has(name) ? name : UNKNOWN_TOOL_LABEL;
      return observe(label, (outcome, trace) => invoke(name, args, trace === context.trace ? context : { ...context, trace }, outcome), context.trace);
    },
  };

  async function invoke(name: string, args: unknown, context: ToolContext, outcome: (outcome: ToolOutcome) => void): Promise<CallToolResult> {
    const entry = entries.get(name);
    if (!entry) {
      outcome('unknown_tool');
      throw new UnknownToolError(name);
    }
    const { def } = entry;
    if (def.scope !== undefined && !context.auth.scopes.includes(def.scope)) {
      outcome('insufficient_scope');
      throw new InsufficientScopeError([def.scope]);
    }
    const parsed = def.input.safeParse(args ?? {});
    if (!parsed.success) {
      outcome('tool_error');
      return errorResult(`Invalid arguments for ${name}:\n${z.prettifyError(parsed.error)}`);
    }
    try {
      const result = await def.handler(parsed.data, context);
      outcome(outcomeOfResult(result));
      return result;
    } catch (error) {
      outcome(outcomeOfError(error, context.signal.aborted));
      if (error instanceof ToolInputError) return errorResult(error.message);
      if (error instanceof InsufficientScopeError) throw error;
      // Over a user's limit or the shared store down: the transport answers 429/503 with Retry-After.
      if (error instanceof RateLimitedError || error instanceof StoreUnavailableError) throw error;
      if (error instanceof NeonPanelError) {
        if (error.kind === 'unauthorized') throw new UpstreamUnauthorizedError();
        return errorResult(error.toolMessage);
      }
      if (context.signal.aborted) return errorResult('The request was cancelled.');
      options.onUnexpectedError?.(error, name);
      return errorResult(`The tool ${name} failed unexpectedly. Try again; if it keeps failing, report it.`);
    }
  }
}

/** Every tool this server offers, in the order `tools/list` shows them. */
export const ALL_TOOLS: readonly ToolDefinition[] = [
  ...accountTools,
  ...companyTools,
  ...warehouseTools,
  ...inventoryTools,
  ...inventoryWriteTools,
  ...costTools,
  ...revenueTools,
  ...reportTools,
  ...importTools,
  ...documentTools,
  ...paymentTools,
  ...catalogueTools,
  ...forecastingTools,
  ...researchTools,
  ...viewTools,
] as ToolDefinition[];

/** The server's registry: every tool, narrowed by the deployment's selection when given. */
export function defaultRegistry(options: RegistryOptions = {}): ToolRegistry {
  return createRegistry(ALL_TOOLS, options);
}
