/**
 * The NeonPanel API client: openapi-fetch over the generated `paths`, with a keep-alive pool,
 * per-attempt timeouts, bounded retries for safe methods, request-id propagation, the
 * caller's identity (forwarded or exchanged) and error mapping to `NeonPanelError`.
 *
 * openapi-fetch hands every request to our `fetch`, so all of the policy lives in `send`
 * below and the tools see only the typed client. The request and response it works with are
 * `upstreamMessages.ts`'s plain carriers, not the WHATWG classes (see there for why).
 */
import createClient, { type Middleware } from 'openapi-fetch';
import { Agent, type Dispatcher } from 'undici';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { SERVICE_NAME, VERSION } from '../version.js';
import {
  NEONPANEL_MESSAGES,
  NeonPanelError,
  errorForStatus,
  networkError,
  parseRetryAfter,
  timeoutError,
} from './errors.js';
import { deadline } from './deadline.js';
import { UpstreamRequest, UpstreamResponse, type UpstreamBody } from './upstreamMessages.js';
import { RETRYABLE_STATUSES, isSafeMethod, nextDelayMs, sleep, type RetryPolicy } from './retry.js';
import { createTokenExchanger, type TokenExchanger } from './tokenExchange.js';
import type { UpstreamTokenSource } from '../auth/upstreamTokenSource.js';
import { UserShare } from './userShare.js';
import type { NeonPanelApi, NeonPanelClient, UpstreamCallContext, UpstreamCallObservation, UpstreamObserver, paths } from './types.js';

export interface NeonPanelClientOptions {
  /**
   * A fetch to send every request through instead (tests). Default: API calls go through
   * undici's `request()` on the pool, token exchange through the global fetch with the
   * pool as `dispatcher`.
   */
  fetch?: typeof fetch;
  /** First backoff step before a retry. Default 200 ms. */
  retryBaseDelayMs?: number;
  /** Largest backoff step. Default 2 000 ms. */
  retryMaxDelayMs?: number;
  /** Longest `Retry-After` waited for inside one call; longer ends the call as unavailable. Default 5 000 ms. */
  maxRetryAfterMs?: number;
  /** Jitter source, in [0, 1). Default `Math.random`. */
  random?: () => number;
  /** How long an idle pooled connection is kept. Default 30 000 ms. */
  keepAliveTimeoutMs?: number;
  /** Most exchanged tokens cached (token-exchange only). Default 10 000. */
  tokenCacheMax?: number;
  /** Exchanged tokens are dropped this long before they expire. Default 30 000 ms. */
  tokenRefreshSkewMs?: number;
  /** Told of every request, its retries and how it ended (telemetry). Absent: no cost. */
  observer?: UpstreamObserver;
  /** Broker mode: NeonPanel's token comes from the grant's vault, never from the caller. */
  upstreamToken?: UpstreamTokenSource;
  /** One user's share of the pool (requests holding a socket at once). Default: a quarter of the pool. */
  socketsPerUser?: number;
}

export interface NeonPanelHttpClient extends NeonPanelClient {
  /** Releases pooled connections; in-flight requests are allowed to finish. */
  close(): Promise<void>;
}

type PooledFetch = (request: Request) => Promise<Response>;

const USER_AGENT = `${SERVICE_NAME}/${VERSION}`;

/** Statuses whose responses carry no body. */
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/** A buffered upstream answer, whatever carried it. */
interface UpstreamAnswer {
  status: number;
  headers: Headers;
  payload: Uint8Array;
}

function parseJson(payload: Uint8Array): unknown {
  if (payload.byteLength === 0) return undefined;
  try {
    return JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Undici's header object as a `Headers` (repeated headers stay separate values). */
function headersOf(received: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const name in received) {
    const value = received[name];
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.append(name, value);
  }
  return headers;
}

export function createNeonPanelClient(config: Config, logger: Logger, options: NeonPanelClientOptions = {}): NeonPanelHttpClient {
  const { upstream } = config;
  const log = logger.child({ component: 'neonpanel-client' });
  const policy: RetryPolicy = {
    retries: upstream.retries,
    baseDelayMs: options.retryBaseDelayMs ?? 200,
    maxDelayMs: options.retryMaxDelayMs ?? 2_000,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 5_000,
    random: options.random ?? Math.random,
  };

  // The undici package's Agent, pinned to the 6.x line Node 20 bundles, because Node does not
  // export its own; `connections` bounds the sockets per origin.
  const agent = new Agent({
    connections: upstream.maxSockets,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
    connect: { timeout: upstream.timeoutMs },
  });
  const share = new UserShare(options.socketsPerUser ?? Math.max(1, Math.ceil(upstream.maxSockets / 4)));
  const baseFetch = options.fetch ?? globalThis.fetch;
  const pooledFetch: PooledFetch = (request) => baseFetch(request, { dispatcher: agent } as RequestInit);
  // Requests normally go to the configured API's origin; splitting them off it saves a URL parse.
  const apiOrigin = new URL(config.neonpanelApiBase).origin;

  /**
   * One HTTP exchange through the pool. By default undici's `request()` on the Agent, not
   * `fetch`: the WHATWG fetch machinery (web streams, a second Request/Response, and the
   * global fetch driving a foreign dispatcher) cost more CPU than the rest of a tool call.
   * Redirects are not followed (an API answering with one is misbehaving; following it
   * could carry the token elsewhere).
   */
  async function exchange(url: string, method: string, headers: Record<string, string>, body: UpstreamBody | undefined, signal: AbortSignal): Promise<UpstreamAnswer> {
    if (options.fetch) {
      const answer = await pooledFetch(new Request(url, { method, headers, ...(body === undefined ? {} : { body }), signal, redirect: 'manual' }));
      return { status: answer.status, headers: answer.headers, payload: new Uint8Array(await answer.arrayBuffer()) };
    }
    let origin = apiOrigin;
    let path: string;
    if (url.startsWith(apiOrigin) && url.charAt(apiOrigin.length) === '/') {
      path = url.slice(apiOrigin.length);
    } else {
      const target = new URL(url);
      origin = target.origin;
      path = `${target.pathname}${target.search}`;
    }
    const answer = await agent.request({
      origin,
      path,
      method: method as Dispatcher.HttpMethod,
      headers,
      ...(body === undefined ? {} : { body }),
      signal,
    });
    return { status: answer.statusCode, headers: headersOf(answer.headers), payload: new Uint8Array(await answer.body.arrayBuffer()) };
  }

  const exchanger: TokenExchanger | undefined = upstream.auth === 'token-exchange'
    ? createTokenExchanger({
        url: requiredExchangeUrl(config),
        audience: upstream.tokenExchangeAudience ?? config.neonpanelApiBase,
        clientId: config.oauth.clientId,
        clientSecret: config.oauth.clientSecret,
        timeoutMs: upstream.timeoutMs,
        fetch: pooledFetch,
        logger: log,
        ...(options.tokenCacheMax === undefined ? {} : { cacheMax: options.tokenCacheMax }),
        ...(options.tokenRefreshSkewMs === undefined ? {} : { refreshSkewMs: options.tokenRefreshSkewMs }),
      })
    : undefined;

  // openapi-fetch tells middleware, not fetch, which path template a request came from; the
  // template (not the concrete URL with ids) is what failures are logged with.
  const templates = new WeakMap<object, string>();
  const rememberTemplate: Middleware = {
    onRequest({ request, schemaPath }) {
      templates.set(request, schemaPath);
      return undefined;
    },
  };

  async function bearerFor(context: UpstreamCallContext): Promise<string> {
    if (options.upstreamToken) {
      // A vault or refresh failure is NeonPanel being unavailable to this call, not a bug.
      const granted = await options.upstreamToken.tokenFor(context.auth, context.signal).catch((error: unknown) => {
        throw error instanceof NeonPanelError ? error : new NeonPanelError({ kind: 'unavailable', toolMessage: NEONPANEL_MESSAGES.unavailable, failure: 'token_exchange' });
      });
      if (granted === undefined) throw new NeonPanelError({ kind: 'unauthorized', toolMessage: NEONPANEL_MESSAGES.unauthorized, failure: 'no_token' });
      return granted;
    }
    const subjectToken = context.auth.token;
    if (!subjectToken) {
      throw new NeonPanelError({ kind: 'unauthorized', toolMessage: NEONPANEL_MESSAGES.unauthorized, failure: 'no_token' });
    }
    return exchanger ? exchanger.exchange(subjectToken, context.signal) : subjectToken;
  }

  /**
   * One request under the caller's limits: a place in their share of this task's pool, then
   * their in-flight lease (shared across tasks), both held until the answer is read. A refusal
   * here is thrown before anything is sent.
   */
  async function send(request: UpstreamRequest, context: UpstreamCallContext): Promise<UpstreamResponse> {
    const leaveShare = context.subject === undefined ? undefined : await share.acquire(context.subject, context.signal);
    let release: (() => void) | undefined;
    try {
      release = await context.admit?.();
      return await sendAdmitted(request, context);
    } finally {
      release?.();
      leaveShare?.();
    }
  }

  async function sendAdmitted(request: UpstreamRequest, context: UpstreamCallContext): Promise<UpstreamResponse> {
    const method = request.method;
    const path = templates.get(request) ?? new URL(request.url).pathname;
    const attempts = isSafeMethod(method) ? 1 + policy.retries : 1;
    const callerSignals = [context.signal, request.signal];
    const body = request.body;
    const bearer = await bearerFor(context);

    // `Headers` lower-cases names, so ours below replace any a caller set.
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    headers['authorization'] = `Bearer ${bearer}`;
    headers['x-request-id'] = context.requestId;
    headers['accept'] = 'application/json';
    headers['user-agent'] = USER_AGENT;
    const observer = options.observer;
    if (!observer) return sendAttempts(request.url, method, path, attempts, headers, body, context, callerSignals, undefined);
    const observation = observer.start(path, method, headers, context.trace);
    try {
      const response = await sendAttempts(request.url, method, path, attempts, headers, body, context, callerSignals, observation);
      observation.end(response.status);
      return response;
    } catch (error) {
      observation.end(error instanceof NeonPanelError ? error.status ?? error.failure : 'cancelled');
      throw error;
    }
  }

  /** The attempts of one request: retried per the policy, mapped to `NeonPanelError` when it fails. */
  async function sendAttempts(
    url: string,
    method: string,
    path: string,
    attempts: number,
    headers: Record<string, string>,
    body: UpstreamBody | undefined,
    context: UpstreamCallContext,
    callerSignals: Array<AbortSignal | undefined>,
    observation: UpstreamCallObservation | undefined,
  ): Promise<UpstreamResponse> {
    const callerAbort = (): unknown => callerSignals.find((s) => s?.aborted)?.reason;
    const callerAborted = (): boolean => callerSignals.some((s) => s?.aborted);

    const fail = (error: NeonPanelError, attempt: number): never => {
      log.warn({ method, path, status: error.status, failure: error.failure, attempts: attempt, requestId: context.requestId },
        'NeonPanel request failed');
      throw error;
    };

    for (let attempt = 1; ; attempt += 1) {
      if (callerAborted()) throw callerAbort();
      const limit = deadline(upstream.timeoutMs, ...callerSignals);
      let response: UpstreamAnswer;
      try {
        // Read the body under the same deadline, so a stalled body is a timeout too.
        response = await exchange(url, method, headers, body, limit.signal);
      } catch (error) {
        if (callerAborted()) throw callerAbort() ?? error;
        const mapped = limit.timedOut() ? timeoutError() : networkError();
        const delay = attempt < attempts ? nextDelayMs(policy, attempt, undefined) : undefined;
        if (delay === undefined) return fail(mapped, attempt);
        log.debug({ method, path, failure: mapped.failure, attempt, delayMs: delay }, 'retrying NeonPanel request');
        observation?.retried();
        await sleep(delay, ...callerSignals);
        continue;
      } finally {
        limit.dispose();
      }
      const payload = response.payload;

      if (response.status >= 200 && response.status < 300) {
        return new UpstreamResponse(response.status, response.headers, NULL_BODY_STATUSES.has(response.status) ? undefined : payload, url);
      }

      const retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'));
      if (RETRYABLE_STATUSES.has(response.status) && attempt < attempts) {
        const delay = nextDelayMs(policy, attempt, retryAfterSeconds);
        if (delay !== undefined) {
          log.debug({ method, path, status: response.status, attempt, delayMs: delay }, 'retrying NeonPanel request');
          observation?.retried();
          await sleep(delay, ...callerSignals);
          continue;
        }
      }
      if (response.status === 401 && exchanger) exchanger.forget(context.auth.token);
      if (response.status === 401 && options.upstreamToken) await options.upstreamToken.rejected(context.auth);
      return fail(errorForStatus(response.status, parseJson(payload), retryAfterSeconds), attempt);
    }
  }

  return {
    forCaller(context: UpstreamCallContext): NeonPanelApi {
      // The one place the plain carriers stand in for WHATWG's (see upstreamMessages.ts).
      const client = createClient<paths>({
        baseUrl: config.neonpanelApiBase,
        fetch: ((request: UpstreamRequest) => send(request, context)) as unknown as typeof fetch,
        Request: UpstreamRequest as unknown as typeof Request,
      });
      client.use(rememberTemplate);
      return client;
    },
    close: () => agent.close(),
  };
}

function requiredExchangeUrl(config: Config): string {
  const url = config.upstream.tokenExchangeUrl;
  // config.ts already refuses UPSTREAM_AUTH=token-exchange without a URL; this guards hand-built configs.
  if (!url) throw new Error('UPSTREAM_AUTH=token-exchange needs TOKEN_EXCHANGE_URL (or OAUTH_TOKEN_ENDPOINT)');
  return url;
}
