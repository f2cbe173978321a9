/**
 * Response sinks: how the answers to one HTTP request's JSON-RPC requests travel back —
 * collected into one JSON body, streamed as SSE on the POST's response, or (legacy
 * HTTP+SSE) sent down the session's long-lived stream.
 */
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { ResponseSink } from './dispatcher.js';
import type { SseStream } from './sse.js';

/** Collects every response, then calls `done` once with all of them (in completion order). */
export class JsonCollector implements ResponseSink {
  private readonly responses: JSONRPCMessage[] = [];

  constructor(
    private remaining: number,
    private readonly done: (responses: JSONRPCMessage[]) => void,
    /** Where related notifications go, since a JSON body cannot carry them (e.g. the session's GET stream). */
    private readonly elsewhere?: (message: JSONRPCMessage) => void,
  ) {}

  response(message: JSONRPCMessage): void {
    this.responses.push(message);
    if (--this.remaining === 0) this.done(this.responses);
  }

  related(message: JSONRPCMessage): void {
    this.elsewhere?.(message);
  }
}

/** Streams notifications and responses on the POST's own SSE response; ends it after the last response. */
export class PostStreamSink implements ResponseSink {
  constructor(
    private remaining: number,
    private readonly stream: SseStream,
    /** Sees each response before it is sent (e.g. to record what initialize negotiated). */
    private readonly observe?: (message: JSONRPCMessage) => void,
  ) {}

  response(message: JSONRPCMessage): void {
    this.observe?.(message);
    this.stream.send(message);
    if (--this.remaining === 0) this.stream.close();
  }

  related(message: JSONRPCMessage): void {
    this.stream.send(message);
  }
}

/** Legacy HTTP+SSE: everything goes down the session's stream. */
export class SessionStreamSink implements ResponseSink {
  constructor(private readonly deliver: (message: JSONRPCMessage) => void) {}

  response(message: JSONRPCMessage): void {
    this.deliver(message);
  }

  related(message: JSONRPCMessage): void {
    this.deliver(message);
  }
}
