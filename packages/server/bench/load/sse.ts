/**
 * A server-sent-events client small enough to hold ten thousand of: one socket, one parser,
 * and callbacks for `endpoint` and `message` events. Written here because the usual
 * EventSource packages cannot send an Authorization header or show the HTTP status.
 */
import http from 'node:http';

export interface SseEvent {
  event: string;
  data: string;
}

/** Splits a byte stream into events (WHATWG rules, minus `id`/`retry`, which these servers do not send). */
export class SseParser {
  private buffer = '';

  constructor(private readonly onEvent: (event: SseEvent) => void) {}

  push(chunk: string): void {
    this.buffer += chunk;
    for (;;) {
      const match = /\r?\n\r?\n/.exec(this.buffer);
      if (!match) return;
      const block = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split(/\r?\n/)) {
        if (line === '' || line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
      }
      if (data.length > 0) this.onEvent({ event, data: data.join('\n') });
    }
  }
}

export interface SseStream {
  /** The first `endpoint` event (legacy transport), if any arrived. */
  endpoint: string | undefined;
  /** Headers of the 200 answer (for `Mcp-Session-Id`). */
  headers: http.IncomingHttpHeaders;
  onMessage: ((message: { id?: unknown; [key: string]: unknown }) => void) | undefined;
  readonly closed: boolean;
  close(): void;
}

/**
 * Opens a GET stream and resolves when it is established: on the 200 headers, or with
 * `waitForEndpoint` on the legacy `endpoint` event. A non-200 answer rejects.
 */
export function openSse(url: string, path: string, headers: Record<string, string>, options: { waitForEndpoint: boolean; timeoutMs?: number }): Promise<SseStream> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (error: Error | undefined, stream?: SseStream): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(stream!);
    };
    // agent: false gives every stream its own socket, as a real client's stream has.
    const req = http.request(new URL(path, url), { method: 'GET', headers: { accept: 'text/event-stream', ...headers }, agent: false });
    const timer = setTimeout(() => {
      req.destroy();
      settle(new Error(`GET ${path} did not open within ${options.timeoutMs ?? 15_000} ms`));
    }, options.timeoutMs ?? 15_000);
    let closed = false;
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => settle(new Error(`GET ${path}: HTTP ${res.statusCode} ${Buffer.concat(chunks).toString('utf8').slice(0, 200)}`)));
        return;
      }
      const stream: SseStream = {
        endpoint: undefined,
        headers: res.headers,
        onMessage: undefined,
        get closed() {
          return closed;
        },
        close() {
          closed = true;
          req.destroy();
        },
      };
      const parser = new SseParser((event) => {
        if (event.event === 'endpoint') {
          stream.endpoint ??= event.data;
          settle(undefined, stream);
        } else if (event.event === 'message' && stream.onMessage) {
          stream.onMessage(JSON.parse(event.data) as { id?: unknown });
        }
      });
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => parser.push(chunk));
      res.on('close', () => {
        closed = true;
        settle(new Error(`GET ${path}: the stream ended before it was ready`));
      });
      if (!options.waitForEndpoint) settle(undefined, stream);
    });
    req.on('error', (error) => {
      closed = true;
      settle(error);
    });
    req.end();
  });
}
