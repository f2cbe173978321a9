/**
 * RFC 8693 token exchange: trades the caller's access token for one issued for NeonPanel.
 *
 * Written by hand rather than with an OAuth client library: it is one form POST with a
 * fixed set of parameters, and the libraries that offer it (openid-client) would add a
 * dependency plus issuer discovery we do not need. The response is checked with zod.
 *
 * Exchanged tokens are cached in a bounded LRU keyed by a SHA-256 of the subject token (the
 * raw token is never a key, so a heap dump of the cache holds no caller credentials) until
 * shortly before they expire. Concurrent calls for one subject token share one exchange.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import { deadline } from './deadline.js';
import { NEONPANEL_MESSAGES, NeonPanelError } from './errors.js';

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

export interface TokenExchangeOptions {
  /** The authorization server's token endpoint. */
  url: string;
  /** `audience` sent with every exchange: NeonPanel as the token's intended recipient. */
  audience: string;
  clientId: string | undefined;
  /** With a secret the client authenticates with HTTP Basic (client_secret_basic). */
  clientSecret: string | undefined;
  timeoutMs: number;
  /** Performs the POST; receives the pool dispatcher in `init`. */
  fetch: (request: Request, init?: RequestInit) => Promise<Response>;
  logger: Logger;
  /** Most exchanged tokens kept. Default 10 000. */
  cacheMax?: number;
  /** How long before `expires_in` a cached token is dropped. Default 30 000 ms. */
  refreshSkewMs?: number;
  /** Lifetime assumed when the response carries no `expires_in`. Default 60 000 ms. */
  defaultLifetimeMs?: number;
}

export interface TokenExchanger {
  /** Resolves to an access token for NeonPanel, or throws `NeonPanelError`. */
  exchange(subjectToken: string, signal?: AbortSignal): Promise<string>;
  /** Drops the cached exchange for a subject token (NeonPanel refused the exchanged token). */
  forget(subjectToken: string): void;
  /** Cached entries, for tests and metrics. */
  readonly size: number;
}

const TokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  issued_token_type: z.string().optional(),
  expires_in: z.coerce.number().positive().optional(),
});

const OAuthErrorBody = z.object({ error: z.string() }).partial();

/** RFC 6749 §2.3.1: client id and secret are form-encoded before Basic encoding. */
function basicAuth(clientId: string, clientSecret: string): string {
  const encode = (v: string) => encodeURIComponent(v).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

const keyOf = (subjectToken: string): string => createHash('sha256').update(subjectToken).digest('base64url');

const unavailable = () =>
  new NeonPanelError({ kind: 'unavailable', toolMessage: NEONPANEL_MESSAGES.unavailable, failure: 'token_exchange' });

/** Stops waiting when the caller gives up, without cancelling an exchange others may share. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => { signal.removeEventListener('abort', onAbort); resolve(value); },
      (error: unknown) => { signal.removeEventListener('abort', onAbort); reject(error); },
    );
  });
}

export function createTokenExchanger(options: TokenExchangeOptions): TokenExchanger {
  const refreshSkewMs = options.refreshSkewMs ?? 30_000;
  const defaultLifetimeMs = options.defaultLifetimeMs ?? 60_000;
  const log = options.logger;

  const cache = new LRUCache<string, string, string>({
    max: options.cacheMax ?? 10_000,
    fetchMethod: async (_key, _stale, { options: entry, context: subjectToken }) => {
      const { token, lifetimeMs } = await post(subjectToken);
      const ttl = lifetimeMs - refreshSkewMs;
      // A token that expires within the skew is used once and not cached.
      if (ttl > 0) entry.ttl = ttl;
      else entry.ttl = 1;
      return token;
    },
  });

  async function post(subjectToken: string): Promise<{ token: string; lifetimeMs: number }> {
    const form = new URLSearchParams({
      grant_type: TOKEN_EXCHANGE_GRANT,
      subject_token: subjectToken,
      subject_token_type: ACCESS_TOKEN_TYPE,
      requested_token_type: ACCESS_TOKEN_TYPE,
      audience: options.audience,
    });
    const headers = new Headers({
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    });
    if (options.clientId && options.clientSecret) headers.set('authorization', basicAuth(options.clientId, options.clientSecret));
    else if (options.clientId) form.set('client_id', options.clientId);

    let response: Response;
    let text: string;
    const limit = deadline(options.timeoutMs);
    try {
      response = await options.fetch(new Request(options.url, { method: 'POST', headers, body: form, signal: limit.signal }));
      text = await response.text();
    } catch {
      const failure = limit.timedOut() ? 'timeout' : 'network';
      log.warn({ upstream: 'token-exchange', failure }, 'token exchange failed');
      throw unavailable();
    } finally {
      limit.dispose();
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!response.ok) {
      const code = OAuthErrorBody.safeParse(body).data?.error;
      // invalid_grant: the subject token itself was refused, so the user must sign in again.
      // Anything else (invalid_client, invalid_target, 5xx) is our configuration or their outage.
      const userFault = code === 'invalid_grant' || code === 'invalid_token';
      log.warn({ upstream: 'token-exchange', status: response.status, error: code }, 'token exchange refused');
      if (userFault) {
        throw new NeonPanelError({ kind: 'unauthorized', toolMessage: NEONPANEL_MESSAGES.unauthorized, failure: 'token_exchange' });
      }
      throw unavailable();
    }
    const parsed = TokenResponse.safeParse(body);
    if (!parsed.success) {
      log.warn({ upstream: 'token-exchange', status: response.status }, 'token exchange answer is not a token response');
      throw unavailable();
    }
    const lifetimeMs = parsed.data.expires_in !== undefined ? parsed.data.expires_in * 1000 : defaultLifetimeMs;
    return { token: parsed.data.access_token, lifetimeMs };
  }

  return {
    async exchange(subjectToken: string, signal?: AbortSignal): Promise<string> {
      const key = keyOf(subjectToken);
      const token = await abortable(cache.fetch(key, { context: subjectToken }), signal);
      if (token === undefined) throw unavailable();
      return token;
    },
    forget(subjectToken: string): void {
      cache.delete(keyOf(subjectToken));
    },
    get size() {
      return cache.size;
    },
  };
}
