/**
 * The broker (AUTH_MODE=broker), wired: oidc-provider on this origin for MCP clients, the
 * consent pages and NeonPanel leg, the token vault, the verifier of our tokens and the
 * source of each grant's NeonPanel token for upstream calls.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Router } from 'express';
import { Agent } from 'undici';
import type Provider from 'oidc-provider';
import type { Config } from '../../config.js';
import { resourceIdentifiers } from '../../config.js';
import type { Logger } from '../../logger.js';
import type { SharedStore } from '../../store/types.js';
import { staticMetadataSource, type MetadataSource } from '../authorizationServerMetadata.js';
import type { TokenVerifier } from '../types.js';
import { createVaultCipher, ephemeralVaultKey } from './vaultCipher.js';
import { createTokenVault } from './tokenVault.js';
import { createGrantRevoker, type GrantRevoker } from './grants.js';
import { oidcAdapterFactory } from './oidcAdapter.js';
import { BROKER_ROUTES, brokerProviderConfiguration, loopbackPortMatch } from './providerConfiguration.js';
import { derivedSecret, publicJwks, signingKeysFrom } from './signingKeys.js';
import { createNeonPanelLogin, NEONPANEL_CALLBACK_PATH } from './neonpanelLogin.js';
import { consentRoutes } from './consent.js';
import { createBrokerVerifier } from './ourTokenVerifier.js';
import { createUpstreamTokens, type GrantTokenSource } from './upstreamTokens.js';

/** A registered client nobody has used for this long is forgotten. */
const CLIENT_IDLE_MS = 30 * 24 * 3600_000;
const GRANT_TTL_MS = 30 * 24 * 3600_000;

export interface BrokerDeps {
  config: Config;
  store: SharedStore;
  logger: Logger;
  /** Every scope a tool needs: what our tokens may carry. */
  toolScopes: readonly string[];
  /** NeonPanel's discovery document (OAUTH_ISSUER). */
  upstreamMetadata: MetadataSource;
  /** The client's address (behind TRUST_PROXY), for the registration limit. */
  clientAddress: (req: IncomingMessage) => string;
  fetch?: typeof fetch;
}

export interface Broker {
  /** The authorization server's endpoints and pages; mount before the resource's discovery. */
  routes: Router;
  verifier: TokenVerifier;
  upstreamTokens: GrantTokenSource;
  grants: GrantRevoker;
  provider: Provider;
  /** Our own endpoints, for the documents that name them (OpenAPI, the plugin manifest). */
  metadata: MetadataSource;
}

/** What oidc-provider answers: its discovery documents and everything under /oauth/ not ours. */
export function isProviderPath(path: string): boolean {
  return path === '/.well-known/openid-configuration' || path === '/.well-known/oauth-authorization-server' || path.startsWith('/oauth/');
}

export function brokerVault(config: Config, store: SharedStore) {
  const vaultKeys = config.broker.vaultKeys ?? [ephemeralVaultKey()];
  const vault = createTokenVault({ store: store.broker, cipher: createVaultCipher(vaultKeys), cacheTtlMs: config.broker.vaultCacheMs });
  return { vaultKeys, vault, grants: createGrantRevoker(store.broker, vault) };
}

export async function createBroker(deps: BrokerDeps): Promise<Broker> {
  const { config, store, logger } = deps;
  // Loaded only in broker mode: importing oidc-provider prints a notice on Node < 22, which
  // must not be a second line after a configuration error (main.ts prints exactly one).
  const { Provider, errors } = await import('oidc-provider');
  const base = config.publicBaseUrl;
  const { vaultKeys, vault, grants } = brokerVault(config, store);
  const signingKeys = await signingKeysFrom(config.broker.signingKeys);
  const defaultResource = `${base}/mcp`;

  const loopbackAgent = config.broker.cimdAllowLoopback ? new Agent({ connect: { rejectUnauthorized: false } }) : undefined;
  const provider = new Provider(base, brokerProviderConfiguration({
    resources: [defaultResource, ...resourceIdentifiers(base).filter((r) => r !== defaultResource)],
    defaultResource,
    toolScopes: deps.toolScopes,
    accessTokenTtlSeconds: config.broker.accessTokenTtlSeconds,
    signingKeys,
    cookieKeys: vaultKeys.map((k) => derivedSecret(k, 'cookies').toString('base64url')),
    adapter: oidcAdapterFactory({ store: store.broker, clientIdleMs: CLIENT_IDLE_MS, onGrantDestroyed: (id) => grants.revoke(id) }),
    clients: config.broker.clients,
    cimdAllowLoopback: config.broker.cimdAllowLoopback,
    errors,
    // Test-only (refused in production by config.ts): the CIMD test serves its document on
    // loopback with a self-signed certificate, which oidc-provider's own dispatcher refuses.
    ...(loopbackAgent ? { loopbackFetch: (url: string, init: RequestInit) => fetch(url, { ...init, dispatcher: loopbackAgent } as RequestInit) } : {}),
  }));
  provider.proxy = config.trustProxy !== false;
  // RFC 8252 §7.3 for every client, not only those registered as `native`: MCP clients on a
  // desktop register a loopback URI and then listen on whatever port is free.
  const exactMatch = provider.Client.prototype.redirectUriAllowed;
  provider.Client.prototype.redirectUriAllowed = function redirectUriAllowed(this: InstanceType<typeof provider.Client>, value: string) {
    return exactMatch.call(this, value) || loopbackPortMatch(value, this.redirectUris ?? []);
  };
  provider.on('server_error', (_ctx: unknown, error: Error) => logger.error({ err: { name: error.name, message: error.message } }, 'broker authorization server error'));

  if (!config.broker.neonpanelClientId || !config.broker.neonpanelClientSecret) {
    logger.warn('NEONPANEL_CLIENT_ID / NEONPANEL_CLIENT_SECRET are not set: sign-in at NeonPanel will fail');
  }
  const login = createNeonPanelLogin({
    metadata: deps.upstreamMetadata,
    clientId: config.broker.neonpanelClientId ?? '',
    clientSecret: config.broker.neonpanelClientSecret ?? '',
    redirectUri: `${base}${NEONPANEL_CALLBACK_PATH}`,
    timeoutMs: config.oauth.httpTimeoutMs,
    clockSkewSeconds: config.oauth.clockSkewSeconds,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });

  const limiter = store.limiter('broker-dcr', config.broker.registrationsPerHour, 3600);
  const callback = provider.callback();
  const routes = express.Router();
  routes.post(BROKER_ROUTES.registration, (req, res, next) => {
    limiter.consume(deps.clientAddress(req)).then(() => next(), (rejection: unknown) => {
      if (rejection instanceof Error) {
        next(rejection);
        return;
      }
      res.setHeader('Retry-After', '3600');
      res.status(429).json({ error: 'too_many_requests', error_description: 'Too many client registrations from this address. Use a Client ID Metadata Document, or try again later.' });
    });
  });
  routes.use(consentRoutes({
    provider,
    errors,
    store: store.broker,
    vault,
    grants,
    login,
    toolScopes: deps.toolScopes,
    defaultResource,
    secure: base.startsWith('https://'),
    csrfSecret: derivedSecret(vaultKeys[0]!, 'csrf'),
    grantTtlMs: GRANT_TTL_MS,
    onError: (error) => logger.error({ err: { name: (error as Error).name, message: (error as Error).message } }, 'broker page failed'),
  }));
  routes.use((req: IncomingMessage & { path?: string }, res: ServerResponse, next: (error?: unknown) => void) => {
    if (isProviderPath(req.path ?? '')) callback(req, res);
    else next();
  });

  const jwks = publicJwks(signingKeys);
  return {
    routes,
    provider,
    grants,
    metadata: staticMetadataSource({
      issuer: base,
      authorization_endpoint: `${base}${BROKER_ROUTES.authorization}`,
      token_endpoint: `${base}${BROKER_ROUTES.token}`,
      registration_endpoint: `${base}${BROKER_ROUTES.registration}`,
      revocation_endpoint: `${base}${BROKER_ROUTES.revocation}`,
      jwks_uri: `${base}${BROKER_ROUTES.jwks}`,
    }),
    verifier: createBrokerVerifier({
      issuer: base,
      audiences: config.oauth.audiences,
      publicJwks: jwks,
      algorithms: [...new Set(jwks.keys.map((k) => String(k.alg)))],
      clockSkewSeconds: config.oauth.clockSkewSeconds,
      vault,
      cache: config.tokenCache,
    }),
    upstreamTokens: createUpstreamTokens({ store: store.broker, vault, grants, login, grantTtlMs: GRANT_TTL_MS }),
  };
}
