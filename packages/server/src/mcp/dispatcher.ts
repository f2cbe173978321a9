/**
 * A Transport that lets ONE SDK `Server` serve every HTTP request of the process.
 *
 * The SDK's own HTTP transports bind a Server to one connection, so a stateless deployment
 * builds a Server (and its validators) per request: most of the reference server's cost.
 * Here each inbound request gets a process-unique JSON-RPC id on its way in (clients'
 * ids collide across users), and the original id is restored on the way out, where the
 * answer is routed to the HTTP response that asked for it.
 */
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import type {
  JSONRPCMessage,
  JSONRPCNotification,
  JSONRPCRequest,
  MessageExtraInfo,
  RequestId,
} from '@modelcontextprotocol/sdk/types.js';
import type { SessionRecord } from '../store/sessions.js';
import type { TraceParent } from '../neonpanel/types.js';

/** Where the answers to one HTTP request's JSON-RPC requests go. */
export interface ResponseSink {
  /** The response (result or error) to one of the requests, with the client's own id. */
  response(message: JSONRPCMessage): void;
  /** A notification related to one of the requests (progress, log messages). */
  related(message: JSONRPCMessage): void;
}

/** What the request handlers may learn about the call they serve. */
export interface CallMeta {
  session: SessionRecord | undefined;
  /** Correlates our logs and the upstream's (`X-Request-Id`). */
  requestId: string;
  /**
   * The parent of the call's tool span (telemetry on): given as the HTTP request's trace
   * context, then per JSON-RPC request the one its `_meta` carries, if any. Undefined when off.
   */
  trace?: TraceParent | undefined;
}

interface Pending {
  clientId: RequestId;
  sink: ResponseSink;
  meta: CallMeta;
}

/**
 * The trace parent of one JSON-RPC request, from its params and the HTTP request's trace
 * context (telemetry: `_meta`'s SEP-414 keys win). Absent: CallMeta is passed on as given.
 */
export type TraceResolver = (params: JSONRPCRequest['params'], httpTrace: TraceParent | undefined) => TraceParent | undefined;

export class Dispatcher implements Transport {
  constructor(private readonly traceOf?: TraceResolver) {}

  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;

  /** Where requests go instead of `onmessage`, once a server has said (`routeRequestsTo`). */
  private requestEntry?: (message: JSONRPCRequest, extra: MessageExtraInfo) => void;
  private sequence = 0;
  private readonly pending = new Map<number, Pending>();
  /** `sessionId \0 clientId` → our id, so a client's `notifications/cancelled` finds its request. */
  private readonly bySessionRequest = new Map<string, number>();

  async start(): Promise<void> {}

  async close(): Promise<void> {
    this.onclose?.();
  }

  get inFlight(): number {
    return this.pending.size;
  }

  /**
   * Sends requests straight to a server's request path rather than through `onmessage`, where
   * the SDK's transport hook would first work out each message's kind again (see
   * `ProcessWideServer.handleRequest`). Notifications still take `onmessage`.
   */
  routeRequestsTo(entry: (message: JSONRPCRequest, extra: MessageExtraInfo) => void): void {
    this.requestEntry = entry;
  }

  /** Hands a client request to the Server; its answer will reach `sink`. Returns our id for it. */
  request(message: JSONRPCRequest, sink: ResponseSink, meta: CallMeta, extra: MessageExtraInfo): number {
    const id = ++this.sequence;
    // One HTTP request may batch several JSON-RPC requests, each with its own `_meta` trace.
    const callMeta = this.traceOf ? { ...meta, trace: this.traceOf(message.params, meta.trace) } : meta;
    this.pending.set(id, { clientId: message.id, sink, meta: callMeta });
    if (meta.session) this.bySessionRequest.set(`${meta.session.id}\0${message.id}`, id);
    const routed = { ...message, id };
    if (this.requestEntry) this.requestEntry(routed, extra);
    else this.onmessage?.(routed, extra);
    return id;
  }

  /** Hands a client notification to the Server, translating the ids that cancellations name. */
  notify(message: JSONRPCNotification, session: SessionRecord | undefined, extra: MessageExtraInfo): void {
    if (message.method === 'notifications/cancelled') {
      const params = message.params as { requestId?: RequestId; reason?: string } | undefined;
      const ours = session && params?.requestId !== undefined
        ? this.bySessionRequest.get(`${session.id}\0${params.requestId}`)
        : undefined;
      if (ours === undefined) return; // unknown or already answered: nothing to cancel
      this.cancel(ours, params?.reason ?? 'Cancelled by the client');
      return;
    }
    this.onmessage?.(message, extra);
  }

  /** Aborts a request whose client went away; the Server then answers nothing. */
  cancel(id: number, reason: string): void {
    if (!this.forget(id)) return;
    this.onmessage?.({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason } });
  }

  meta(id: RequestId): CallMeta | undefined {
    return typeof id === 'number' ? this.pending.get(id)?.meta : undefined;
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    if ('id' in message && ('result' in message || 'error' in message)) {
      const id = message.id as number;
      const entry = this.pending.get(id);
      if (!entry) return; // cancelled meanwhile
      this.forget(id);
      entry.sink.response({ ...message, id: entry.clientId } as JSONRPCMessage);
      return;
    }
    const related = options?.relatedRequestId;
    if (related !== undefined) this.pending.get(related as number)?.sink.related(message);
    // Messages related to no request have no HTTP response to ride on; this server sends none.
  }

  private forget(id: number): boolean {
    const entry = this.pending.get(id);
    if (!entry) return false;
    this.pending.delete(id);
    if (entry.meta.session) this.bySessionRequest.delete(`${entry.meta.session.id}\0${entry.clientId}`);
    return true;
  }
}
