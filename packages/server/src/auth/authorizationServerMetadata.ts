/**
 * The authorization server's RFC 8414 metadata, so it can be mirrored on this origin for
 * clients that look for it here (ChatGPT does). Fetched from the issuer and cached, or
 * built from configuration when the operator names the endpoints.
 */
export type AuthorizationServerMetadata = Record<string, unknown> & { issuer: string };

export interface MetadataSource {
  get(): Promise<AuthorizationServerMetadata>;
}

export class MetadataUnavailableError extends Error {
  constructor() {
    super('The authorization server metadata could not be fetched.');
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
  scopes: readonly string[];
}): AuthorizationServerMetadata {
  return {
    issuer: input.issuer,
    authorization_endpoint: input.authorizationEndpoint,
    token_endpoint: input.tokenEndpoint,
    ...(input.registrationEndpoint ? { registration_endpoint: input.registrationEndpoint } : {}),
    response_types_supported: ['code'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
    scopes_supported: [...input.scopes],
  };
}

export interface FetchedMetadataOptions {
  issuer: string;
  timeoutMs: number;
  /** How long a fetched document is served before it is fetched again. */
  ttlMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

/**
 * Fetches on first use, then serves the cached copy; after the TTL it refetches, and keeps
 * serving the stale copy if the issuer is down. Concurrent callers share one fetch.
 */
export function fetchedMetadataSource(options: FetchedMetadataOptions): MetadataSource {
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const ttlMs = options.ttlMs ?? 3_600_000;
  let cached: { value: AuthorizationServerMetadata; fetchedAt: number } | undefined;
  let inFlight: Promise<AuthorizationServerMetadata> | undefined;

  async function load(): Promise<AuthorizationServerMetadata> {
    for (const url of metadataCandidates(options.issuer)) {
      try {
        const response = await doFetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(options.timeoutMs) });
        if (response.status !== 200) continue;
        const body = (await response.json()) as Record<string, unknown>;
        // RFC 8414 §3.3: a document for another issuer must not be used.
        if (typeof body['issuer'] !== 'string' || body['issuer'].replace(/\/+$/, '') !== options.issuer) continue;
        return body as AuthorizationServerMetadata;
      } catch {
        // try the next location
      }
    }
    throw new MetadataUnavailableError();
  }

  return {
    get() {
      if (cached && now() - cached.fetchedAt < ttlMs) return Promise.resolve(cached.value);
      inFlight ??= load().then(
        (value) => {
          cached = { value, fetchedAt: now() };
          return value;
        },
        (error: unknown) => {
          if (cached) return cached.value;
          throw error;
        },
      ).finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
  };
}
