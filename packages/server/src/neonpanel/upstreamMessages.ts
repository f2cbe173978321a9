/**
 * The request and response objects openapi-fetch works with, as plain carriers instead of the
 * WHATWG `Request` and `Response` classes.
 *
 * openapi-fetch builds a `Request` for every call and gives the caller back a `Response`; it
 * takes the request class and the fetch as options, so both ends are ours. With undici's WHATWG
 * classes each NeonPanel call paid for a Request (URL parsing, header validation, its own
 * AbortSignal), a Response that wraps the already-buffered body in a web ReadableStream, and
 * reading that stream back: most of 337k instructions of a 940k-instruction tool call
 * (callgrind, main thread, `neonpanel_companies_list`). The client reads every body whole under
 * its deadline before answering, so these carriers just hold what was sent and received.
 *
 * They implement what openapi-fetch and our tools use of the WHATWG interfaces (listed on each
 * class); they are handed to openapi-fetch as `Request`/`Response` at one cast in `client.ts`.
 */
import { moveGetBodyToQuery } from './getBodyAsQuery.js';

/** What the `Request` constructor accepts as its first argument (the DOM lib's RequestInfo | URL). */
type RequestInput = ConstructorParameters<typeof Request>[0];

/** The bodies openapi-fetch produces for a JSON API: its default serializer gives a string. */
export type UpstreamBody = string | Uint8Array;

function bodyOf(body: RequestInit['body']): UpstreamBody | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  // FormData, Blob and streams: the contract has no such operation; refuse loudly, not silently.
  throw new TypeError('NeonPanel requests carry JSON bodies only');
}

/**
 * What openapi-fetch constructs as `new Request(url, init)`, with NeonPanel's GET rule
 * (`getBodyAsQuery.ts`) applied. Read by openapi-fetch: `method`; by middleware and the
 * client: `url`, `method`, `headers`, `body`, `signal`.
 */
export class UpstreamRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly body: UpstreamBody | undefined;
  readonly signal: AbortSignal | undefined;

  constructor(input: RequestInput, init: RequestInit = {}) {
    if (typeof input !== 'string' && !(input instanceof URL)) throw new TypeError('UpstreamRequest takes a URL');
    this.method = (init.method ?? 'GET').toUpperCase();
    this.headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers);
    this.signal = init.signal ?? undefined;
    const url = typeof input === 'string' ? input : input.href;
    const body = bodyOf(init.body);
    const moved = typeof body === 'string' ? moveGetBodyToQuery(url, this.method, body) : undefined;
    if (moved === undefined) {
      this.url = url;
      this.body = body;
    } else {
      this.url = moved;
      this.body = undefined;
      this.headers.delete('content-type');
    }
  }
}

const EMPTY = new Uint8Array(0);

/**
 * A NeonPanel answer as openapi-fetch and our tools read it: `status`, `ok`, `headers`, and the
 * body once through `json()`, `text()`, `arrayBuffer()`, `blob()` or `body`.
 */
export class UpstreamResponse {
  readonly ok: boolean;
  readonly statusText = '';
  readonly redirected = false;
  readonly type = 'basic';
  private used = false;

  constructor(
    readonly status: number,
    readonly headers: Headers,
    private readonly payload: Uint8Array | undefined,
    readonly url = '',
  ) {
    this.ok = status >= 200 && status < 300;
  }

  get bodyUsed(): boolean {
    return this.used;
  }

  /** A web stream over the payload, made only when asked for (openapi-fetch's `parseAs: 'stream'`). */
  get body(): ReadableStream<Uint8Array> | null {
    if (this.payload === undefined) return null;
    return new Blob([this.take()]).stream();
  }

  async text(): Promise<string> {
    const bytes = this.take();
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = this.take();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  async blob(): Promise<Blob> {
    return new Blob([this.take()], { type: this.headers.get('content-type') ?? '' });
  }

  clone(): UpstreamResponse {
    if (this.used) throw new TypeError('Response body is already used');
    return new UpstreamResponse(this.status, new Headers(this.headers), this.payload, this.url);
  }

  /** As in fetch: a body is read once. */
  private take(): Uint8Array {
    if (this.used) throw new TypeError('Response body is already used');
    this.used = true;
    return this.payload ?? EMPTY;
  }
}
