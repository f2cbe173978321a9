/**
 * One HTTP exchange with a hard time limit, read just far enough to judge it: a JSON or
 * text body in full, an event stream only up to its first event (or not at all), so an
 * endpoint that wrongly opens a stream can never hang the run.
 */
import { parse as parseContentType } from 'content-type';
import { createParser, type EventSourceMessage } from 'eventsource-parser';

export interface HttpOutcome {
  status: number;
  headers: Headers;
  /** The media type, lower-case, without parameters; undefined when absent or unparsable. */
  mediaType: string | undefined;
  /** The body, for anything but an event stream. */
  text?: string;
  /** The parsed body when the media type is JSON and it parses. */
  json?: unknown;
  /** The first event of an event stream, when asked for and it came in time. */
  firstEvent?: { event: string; data: string };
}

export interface SendOptions {
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** Limit for the whole exchange, body included. */
  timeoutMs: number;
  /** Read an event stream up to its first event; otherwise a stream's body is not read. */
  readFirstEvent?: boolean;
}

/** Bodies larger than this are cut: no document the matrix checks comes close. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

function mediaTypeOf(headers: Headers): string | undefined {
  const value = headers.get('content-type');
  if (!value) return undefined;
  try {
    return parseContentType(value).type.toLowerCase();
  } catch {
    return undefined;
  }
}

export function isJsonMediaType(mediaType: string | undefined): boolean {
  return mediaType === 'application/json' || (mediaType?.endsWith('+json') ?? false);
}

async function readText(body: ReadableStream<Uint8Array>): Promise<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      text += decoder.decode(value, { stream: true });
      if (bytes > MAX_BODY_BYTES) break;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return text + decoder.decode();
}

async function readFirstEvent(body: ReadableStream<Uint8Array>): Promise<EventSourceMessage | undefined> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let first: EventSourceMessage | undefined;
  const parser = createParser({
    onEvent(event) {
      first ??= event;
    },
  });
  try {
    while (!first) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return first;
}

/** Sends one request; rejects on a network failure or when `timeoutMs` runs out. */
export async function send(url: string, options: SendOptions): Promise<HttpOutcome> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  const response = await fetch(url, {
    method: options.method,
    headers: options.headers,
    ...(options.body !== undefined ? { body: options.body } : {}),
    // A redirect is part of what is being judged, never silently followed.
    redirect: 'manual',
    signal,
  });
  const mediaType = mediaTypeOf(response.headers);
  const outcome: HttpOutcome = { status: response.status, headers: response.headers, mediaType };
  if (!response.body) return outcome;
  if (mediaType === 'text/event-stream') {
    if (options.readFirstEvent) {
      const event = await readFirstEvent(response.body);
      if (event) outcome.firstEvent = { event: event.event ?? 'message', data: event.data };
    } else {
      await response.body.cancel().catch(() => {});
    }
    return outcome;
  }
  outcome.text = await readText(response.body);
  if (isJsonMediaType(mediaType)) {
    try {
      outcome.json = JSON.parse(outcome.text);
    } catch {
      // left undefined: the checks report a JSON content type with a body that is not JSON
    }
  }
  return outcome;
}

/** A short, token-free description of why a request got no answer. */
export function describeNetworkError(error: unknown): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'timed out';
  if (e?.cause?.code) return e.cause.code;
  if (e?.cause?.message) return e.cause.message;
  return e?.message ?? String(error);
}
