/**
 * The view's side of the MCP Apps bridge (`ui/*`, spec 2026-01-26): JSON-RPC 2.0 over
 * postMessage with the host window, nothing else. No token, no network: the host holds the
 * MCP connection and relays `tools/call`.
 *
 * Written by hand, as the spec shows is enough, instead of the ext-apps `App` class: `App`
 * imports the MCP client's `Protocol` and zod, and esbuild cannot drop them (the package's
 * schemas are built at module top level), so a view using it weighs about 650 KB against the
 * 150 KB budget. The render tests drive this bridge with the ext-apps `AppBridge`, so it is
 * held to the SDK's side of the protocol.
 */
export const UI_PROTOCOL_VERSION = '2026-01-26';

export type Json = Record<string, unknown>;

export interface HostContext {
  theme?: 'light' | 'dark';
  styles?: { variables?: Record<string, string | undefined> };
  locale?: string;
  [key: string]: unknown;
}

export interface ToolResult {
  content?: Array<{ type: string; text?: string }>;
  structuredContent?: Json;
  isError?: boolean;
}

export interface BridgeHandlers {
  toolInput(args: Json): void;
  toolResult(result: ToolResult): void;
  hostContext(context: HostContext): void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export class HostBridge {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly host: Window;

  constructor(private readonly handlers: BridgeHandlers, host: Window = window.parent) {
    this.host = host;
    window.addEventListener('message', (event) => {
      // Only the host that embeds us speaks for it.
      if (event.source !== this.host) return;
      this.receive(event.data as Json);
    });
  }

  /** `ui/initialize`, then `ui/notifications/initialized`; resolves with the host context. */
  async connect(name: string, version: string): Promise<HostContext> {
    const result = (await this.request('ui/initialize', {
      appInfo: { name, version },
      appCapabilities: {},
      protocolVersion: UI_PROTOCOL_VERSION,
    })) as { hostContext?: HostContext };
    this.notify('ui/notifications/initialized', {});
    this.reportSize();
    return result.hostContext ?? {};
  }

  /** A tool on our server, called through the host (app-only tools included). */
  async callTool(name: string, args: Json): Promise<ToolResult> {
    return (await this.request('tools/call', { name, arguments: args })) as ToolResult;
  }

  /** Tells the host our content size whenever it changes, so it can size the frame to it. */
  private reportSize(): void {
    let last = '';
    const send = () => {
      const root = document.documentElement;
      const size = { width: Math.ceil(root.scrollWidth), height: Math.ceil(root.getBoundingClientRect().height) };
      const key = `${size.width}x${size.height}`;
      if (key === last) return;
      last = key;
      this.notify('ui/notifications/size-changed', size);
    };
    new ResizeObserver(send).observe(document.body);
    send();
  }

  private request(method: string, params: Json): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.host.postMessage({ jsonrpc: '2.0', id, method, params }, '*');
    });
  }

  private notify(method: string, params: Json): void {
    this.host.postMessage({ jsonrpc: '2.0', method, params }, '*');
  }

  private receive(message: Json): void {
    if (message['jsonrpc'] !== '2.0') return;
    const id = message['id'];
    const method = message['method'];
    if (typeof method !== 'string') {
      const waiting = typeof id === 'number' ? this.pending.get(id) : undefined;
      if (!waiting) return;
      this.pending.delete(id as number);
      const error = message['error'] as { message?: string } | undefined;
      if (error) waiting.reject(new Error(error.message ?? 'The host refused the request.'));
      else waiting.resolve(message['result']);
      return;
    }
    const params = (message['params'] ?? {}) as Json;
    if (id !== undefined) {
      // Host → view requests: teardown and ping need only an empty answer.
      const known = method === 'ui/resource-teardown' || method === 'ping';
      this.host.postMessage(known
        ? { jsonrpc: '2.0', id, result: {} }
        : { jsonrpc: '2.0', id, error: { code: -32601, message: `Method not found: ${method}` } }, '*');
      return;
    }
    if (method === 'ui/notifications/tool-input') this.handlers.toolInput((params['arguments'] ?? {}) as Json);
    else if (method === 'ui/notifications/tool-result') this.handlers.toolResult(params as ToolResult);
    else if (method === 'ui/notifications/host-context-changed') this.handlers.hostContext(params as HostContext);
  }
}
