/**
 * The development authorization server: oidc-provider behind a small express app that adds
 * the sign-in/consent pages and CORS for browser-based registration.
 *
 * Profile `standard`:
 *   /.well-known/openid-configuration       OpenID discovery
 *   /.well-known/oauth-authorization-server RFC 8414 metadata, the same document (oidc-provider
 *                                           serves both since 9.x; the tests hold it to that)
 *   /jwks                                   public signing keys
 *   /auth, /token, /reg                     authorization, token, RFC 7591 registration
 *   /interaction/:uid                       sign-in and consent (interactions.ts)
 *
 * Profile `neonpanel` (what NeonPanel publishes): OpenID discovery only (no RFC 8414
 * document), `/.well-known/jwks.json`, `/oauth2/authorize`, `/oauth2/token`,
 * `/oauth2/register`; only the `openid` scope; `aud` = the client id (configuration.ts).
 */
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import cors from 'cors';
import type { JWK } from 'jose';
import type { ClientMetadata, KoaContextWithOIDC } from 'oidc-provider';
import { DEFAULT_SCOPES } from '../../config.js';
import { DEMO_USERS, type DemoUser } from '../demoUsers.js';
import { generateSigningKey, normalizeSigningKeys } from './keys.js';
import { loadOidcProvider } from './loadOidcProvider.js';
import { NEONPANEL_ROUTES, providerConfiguration, type DevAuthProfile } from './configuration.js';
import { interactionRoutes } from './interactions.js';

export interface AuthorizationServerOptions {
  /** `standard` (RFC 8707, fine-grained scopes) or `neonpanel` (as NeonPanel behaves). Default `standard`. */
  profile?: DevAuthProfile;
  /** TCP port to listen on; 0 picks a free one. */
  port: number;
  /** Interface to bind. Default `127.0.0.1`. */
  host?: string;
  /** Issuer identifier. Default `http://localhost:<bound port>`. */
  issuer?: string;
  /**
   * The MCP server's resource identifiers a client may ask a token for (RFC 8707): its base
   * URL, base/mcp and base/sse. The first is used when a client names none. Any other
   * resource is refused with `invalid_target`.
   */
  resources: readonly string[];
  /** Access token lifetime in seconds. Default 3600. */
  accessTokenTtlSeconds?: number;
  /** Private signing JWKs (RS256 or ES256). Default: one RS256 key generated at start. */
  keys?: readonly JWK[];
  /** The MCP scopes a token may carry. Default: `DEFAULT_SCOPES` of the server config. */
  scopes?: readonly string[];
  /** The users who can sign in. Default: the demo users shared with the sandbox. */
  users?: readonly DemoUser[];
  /** Told about unexpected failures (bugs), which are answered 500. Default: ignored. */
  onError?: (error: unknown) => void;
  /** Clients registered at start, e.g. the broker's confidential client (AUTH_MODE=broker). */
  clients?: readonly ClientMetadata[];
}

export interface RunningAuthorizationServer {
  profile: DevAuthProfile;
  issuer: string;
  jwksUri: string;
  /** The scopes a client may ask for (the metadata's `scopes_supported` minus offline_access). */
  scopes: readonly string[];
  close(): Promise<void>;
}

export async function startAuthorizationServer(options: AuthorizationServerOptions): Promise<RunningAuthorizationServer> {
  if (options.resources.length === 0) throw new Error('startAuthorizationServer: at least one resource is required.');
  for (const resource of options.resources) new URL(resource); // throws on a relative or malformed identifier
  const accessTokenTtlSeconds = options.accessTokenTtlSeconds ?? 3600;
  if (!Number.isSafeInteger(accessTokenTtlSeconds) || accessTokenTtlSeconds <= 0) {
    throw new Error('startAuthorizationServer: accessTokenTtlSeconds must be a positive integer.');
  }
  const host = options.host ?? '127.0.0.1';
  const onError = options.onError ?? (() => {});
  const { Provider, errors, createMemoryAdapter } = await loadOidcProvider();
  const keys = options.keys ? await normalizeSigningKeys(options.keys) : [await generateSigningKey('RS256')];

  // Listen first: with port 0 the issuer is known only once the port is.
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const issuer = (options.issuer ?? `http://localhost:${port}`).replace(/\/+$/, '');

  const users = options.users ?? DEMO_USERS;
  const profile = options.profile ?? 'standard';
  const neonpanel = profile === 'neonpanel';
  const scopes = options.scopes ?? DEFAULT_SCOPES;
  try {
    const provider = new Provider(issuer, providerConfiguration({
      profile,
      resources: options.resources,
      scopes,
      accessTokenTtlSeconds,
      keys,
      users,
      cookieKeys: [randomBytes(32).toString('base64url')],
      adapter: createMemoryAdapter(),
      ...(options.clients ? { clients: options.clients } : {}),
      InvalidTarget: errors.InvalidTarget,
    }));
    provider.on('server_error', (_ctx: KoaContextWithOIDC, error: Error) => onError(error));

    const app = express();
    app.disable('x-powered-by');
    // NeonPanel publishes OpenID discovery only; clients must cope without RFC 8414.
    if (neonpanel) app.get('/.well-known/oauth-authorization-server', (_req, res) => res.status(404).json({ error: 'not_found' }));
    // Under `neonpanel` the one scope is `openid`, which every user may grant: what a user may
    // do is decided per company by the API, as NeonPanel does.
    app.use(interactionRoutes({ provider, users, mcpScopes: neonpanel ? [] : scopes, SessionNotFound: errors.SessionNotFound, onError }));
    // Browser-based MCP clients (the MCP Inspector) register from their own origin, and
    // oidc-provider sends no CORS headers on the registration endpoint. Registration is open
    // and uses no cookies, so any origin may call it.
    app.use(neonpanel ? NEONPANEL_ROUTES.registration : '/reg', cors({ origin: '*', methods: ['POST'], maxAge: 600 }));
    // oidc-provider parses its own request bodies, so no body parser may run before it.
    app.use(provider.callback());
    server.on('request', app);
  } catch (error) {
    server.close();
    throw error;
  }

  let closing: Promise<void> | undefined;
  return {
    profile,
    issuer,
    jwksUri: `${issuer}${neonpanel ? NEONPANEL_ROUTES.jwks : '/jwks'}`,
    scopes: neonpanel ? ['openid'] : [...scopes],
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
