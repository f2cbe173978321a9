/**
 * Server-sent event streams: framing, proxy-safe headers, and one shared keep-alive timer
 * for every open stream (one timer, not one per stream, keeps idle sessions cheap).
 */
import type { ServerResponse } from 'node:http';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/** `no-transform` and `X-Accel-Buffering: no` keep proxies from buffering or compressing the stream. */
export function writeSseHeaders(res: ServerResponse, extra: Record<string, string> = {}): void {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
    ...extra,
  });
  res.flushHeaders();
}

/**
 * Most output a session's stream may hold unsent (its client stopped reading) before it is
 * closed: a stalled client must not grow this task's memory without bound.
 */
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export class SseStream {
  private closedFlag = false;
  private readonly closeListeners: Array<() => void> = [];

  constructor(
    readonly res: ServerResponse,
    readonly sessionId: string | undefined,
    /** A session's own stream (GET /mcp, or legacy /sse), as opposed to one POST's answer stream. */
    readonly standalone = false,
    private readonly maxBufferedBytes = MAX_BUFFERED_BYTES,
  ) {
    res.once('close', () => this.markClosed());
  }

  get closed(): boolean {
    return this.closedFlag || this.res.destroyed || this.res.writableEnded;
  }

  onClose(listener: () => void): void {
    if (this.closedFlag) listener();
    else this.closeListeners.push(listener);
  }

  event(name: string, data: string): void {
    if (this.closed) return;
    this.res.write(`event: ${name}\ndata: ${data}\n\n`);
    // Backpressure: a client that stopped reading loses its stream (and, for legacy SSE, its
    // session) rather than have this task buffer for it for ever.
    if (this.res.writableLength > this.maxBufferedBytes) {
      this.res.destroy();
      this.markClosed();
    }
  }

  send(message: JSONRPCMessage): void {
    this.event('message', JSON.stringify(message));
  }

  /** An SSE comment line: ignored by clients, but it resets proxies' idle timers. */
  keepAlive(): void {
    // Skip a stream whose client is not reading; a comment adds nothing to its backlog.
    if (!this.closed && !this.res.writableNeedDrain) this.res.write(': keep-alive\n\n');
  }

  close(): void {
    if (!this.closed) this.res.end();
    this.markClosed();
  }

  private markClosed(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    for (const listener of this.closeListeners.splice(0)) listener();
  }
}

/** Every open stream of this process, by session. */
export class StreamRegistry {
  private readonly all = new Set<SseStream>();
  private readonly bySession = new Map<string, Set<SseStream>>();
  private timer: NodeJS.Timeout | undefined;

  get size(): number {
    return this.all.size;
  }

  get sessionsWithStreams(): number {
    return this.bySession.size;
  }

  add(stream: SseStream): void {
    this.all.add(stream);
    const { sessionId } = stream;
    if (sessionId !== undefined) {
      let set = this.bySession.get(sessionId);
      if (!set) this.bySession.set(sessionId, (set = new Set()));
      set.add(stream);
    }
    stream.onClose(() => this.remove(stream));
  }

  /** Sends on the session's own stream; false when it has none open. */
  sendToSession(sessionId: string, message: JSONRPCMessage): boolean {
    const set = this.bySession.get(sessionId);
    if (!set) return false;
    for (const stream of set) {
      if (!stream.standalone || stream.closed) continue;
      stream.send(message);
      return true; // one stream only: a message must not be delivered twice
    }
    return false;
  }

  /** Sessions with a stream open here. */
  sessionIds(): string[] {
    return [...this.bySession.keys()];
  }

  hasStream(sessionId: string, predicate: (s: SseStream) => boolean = () => true): boolean {
    const set = this.bySession.get(sessionId);
    if (!set) return false;
    for (const s of set) if (predicate(s)) return true;
    return false;
  }

  closeSession(sessionId: string): void {
    const set = this.bySession.get(sessionId);
    if (set) for (const stream of [...set]) stream.close();
  }

  /** Ends every session stream; answer streams of in-flight POSTs finish on their own. */
  closeStandalone(): void {
    for (const stream of [...this.all]) if (stream.standalone) stream.close();
  }

  startKeepAlive(intervalMs: number): void {
    this.stopKeepAlive();
    this.timer = setInterval(() => {
      for (const stream of this.all) stream.keepAlive();
    }, intervalMs);
    this.timer.unref();
  }

  stopKeepAlive(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private remove(stream: SseStream): void {
    this.all.delete(stream);
    const { sessionId } = stream;
    if (sessionId === undefined) return;
    const set = this.bySession.get(sessionId);
    if (!set) return;
    set.delete(stream);
    if (set.size === 0) this.bySession.delete(sessionId);
  }
}
