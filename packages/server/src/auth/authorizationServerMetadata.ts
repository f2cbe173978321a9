/**
 * The authorization server's metadata: where its keys are (`jwks_uri`), which scopes it
 * issues, and the document mirrored on this origin for clients that look for it here
 * (ChatGPT does). Fetched from the issuer and cached, or built from configuration when the
 * operator names the endpoints.
 *
 * Discovery tries RFC 8414 first (`/.well-known/oauth-authorization-server`, path-inserted
 * for issuers with a path), then OpenID Connect (`/.well-known/openid-configuration`),
 * because NeonPanel publishes only the latter.
 */
export type AuthorizationServerMetadata = Record<string, unknown> & { issuer: string };

export type DiscoveryState =
  /** Never fetched successfully yet (start-up, or the issuer has been down since). */
  | { state: 'pending'; reason: string | undefined }
  | { state: 'ok'; fetchedAt: number }
  /** Serving the last good copy; the last refresh failed. */
  | { state: 'stale'; fetchedAt: number; reason: string };

export interface MetadataSource {
  get(): Promise<AuthorizationServerMetadata>;
  /** The last good document without waiting, or undefined before the first success. */
  current(): AuthorizationServerMetadata | undefined;
  status(): DiscoveryState;
}

export class MetadataUnavailableError extends Error {
  constructor(readonly reason = 'the authorization server metadata could not be fetched') {
    super(`The authorization server metadata is unavailable: ${reason}.`);
    this.name = 'MetadataUnavailableError';
  }
}

/** RFC 8414 §3.1 path insertion first, then the OpenID Connect locations. */
export function metadataCandidates(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/+$/, '');
  return [
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
    `${url.origin}/.well-known/openid-configuration${path}`,
    ...(path ? [`${url.origin}${path}/.well-known/openid-configuration`] : []),
  ];
}

export function staticMetadata(input: {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  registrationEndpoint?: string | undefined;
  jwksUri?: string | undefined;
  scopes: readonly string[];
}): AuthorizationServerMetadata {
  return {
    issuer: input.issuer,
    authorization_endpoint: input.authorizationEndpoint,
    token_endpoint: input.tokenEndpoint,
    ...(input.registrationEndpoint ? { registration_endpoint: input.registrationEndpoint } : {}),
    ...(input.jwksUri ? { jwks_uri: input.jwksUri } : {}),
    response_types_supported: ['code'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    scopes_supported: [...input.scopes],
  };
}

export function staticMetadataSource(doc: AuthorizationServerMetadata): MetadataSource {
  const at = Date.now();
  return { get: () => Promise.resolve(doc), current: () => doc, status: () => ({ state: 'ok', fetchedAt: at }) };
}

/** `jwks_uri` of a metadata document, or an error saying why there is none. */
export function jwksUriOf(metadata: AuthorizationServerMetadata): string {
  const uri = metadata['jwks_uri'];
  if (typeof uri !== 'string' || !/^https?:\/\//i.test(uri) || !URL.canParse(uri)) {
    throw new MetadataUnavailableError('the metadata has no usable jwks_uri');
  }
  return uri;
}

/** `scopes_supported` of a metadata document, if it lists any. */
export function scopesSupportedOf(metadata: AuthorizationServerMetadata | undefined): string[] | undefined {
  const scopes = metadata?.['scopes_supported'];
  return Array.isArray(scopes) ? scopes.filter((s): s is string => typeof s === 'string') : undefined;
}

export interface FetchedMetadataOptions {
  issuer: string;
  timeoutMs: number;
  /** How long a fetched document is served before it is refreshed (in the background). Default 1 h. */
  ttlMs?: number;
  /** After a failed fetch with nothing cached, requests fail fast for this long instead of each waiting on the issuer. Default 5 s. */
  retryAfterMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

/**
 * Fetches on first use, then serves the cached copy. After the TTL the copy is still served
 * while a refresh runs in the background, and kept if the issuer is down (stale-on-error).
 * Concurrent callers share one fetch. With nothing cached, a failure is remembered for
 * `retryAfterMs`, so an outage at start-up costs each request nothing but a fast 503.
 */
export function fetchedMetadataSource(options: FetchedMetadataOptions): MetadataSource {
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const ttlMs = options.ttlMs ?? 3_600_000;
  const retryAfterMs = options.retryAfterMs ?? 5_000;
  let cached: { value: AuthorizationServerMetadata; fetchedAt: number } | undefined;
  let failure: { reason: string; at: number } | undefined;
  let inFlight: Promise<AuthorizationServerMetadata> | undefined;

  async function load(): Promise<AuthorizationServerMetadata> {
    let reason = 'no metadata document was found';
    for (const url of metadataCandidates(options.issuer)) {
      try {
        const response = await doFetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(options.timeoutMs) });
        if (response.status !== 200) {
          await response.body?.cancel();
          reason = `the issuer answered HTTP ${response.status}`;
          continue;
        }
        const body = (await response.json()) as Record<string, unknown>;
        // RFC 8414 §3.3: a document for another issuer must not be used.
        if (body === null || typeof body !== 'object' || typeof body['issuer'] !== 'string' || body['issuer'].replace(/\/+$/, '') !== options.issuer) {
          reason = 'the metadata names another issuer';
          continue;
        }
        return body as AuthorizationServerMetadata;
      } catch (error) {
        reason = (error as Error).name === 'TimeoutError' ? 'the issuer did not answer in time' : 'the issuer could not be reached';
      }
    }
    throw new MetadataUnavailableError(reason);
  }

  function refresh(): Promise<AuthorizationServerMetadata> {
    inFlight ??= load().then(
      (value) => {
        cached = { value, fetchedAt: now() };
        failure = undefined;
        return value;
      },
      (error: unknown) => {
        failure = { reason: (error as MetadataUnavailableError).reason ?? 'unknown', at: now() };
        throw error;
      },
    ).finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  return {
    get() {
      if (cached) {
        if (now() - cached.fetchedAt >= ttlMs && !(failure && now() - failure.at < retryAfterMs)) {
          refresh().catch(() => {}); // stale-while-revalidate; a failure keeps the copy
        }
        return Promise.resolve(cached.value);
      }
      if (failure && now() - failure.at < retryAfterMs && !inFlight) {
        return Promise.reject(new MetadataUnavailableError(failure.reason));
      }
      return refresh();
    },
    current: () => cached?.value,
    status(): DiscoveryState {
      if (!cached) return { state: 'pending', reason: failure?.reason };
      if (failure) return { state: 'stale', fetchedAt: cached.fetchedAt, reason: failure.reason };
      return { state: 'ok', fetchedAt: cached.fetchedAt };
    },
  };
}
