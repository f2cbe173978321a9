/**
 * A real OAuth client run against the development authorization server, over HTTP:
 * discovery → dynamic registration → authorize (PKCE S256, resource) → sign-in form →
 * consent form → code exchange.
 *
 * The OAuth steps are the MCP SDK's own client functions, the same ones MCP clients use;
 * what a person would do in the browser (fill and submit the two forms, following the
 * redirects with cookies) is `completeAuthorization`. The `pnpm token` command, the tests and
 * the e2e suite share this module.
 */
import { randomBytes } from 'node:crypto';
import { CookieJar } from 'tough-cookie';
import {
  discoverAuthorizationServerMetadata,
  exchangeAuthorization,
  registerClient,
  startAuthorization,
} from '@modelcontextprotocol/sdk/client/auth.js';
import type {
  AuthorizationServerMetadata,
  OAuthClientInformationFull,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import { demoUserByLogin } from '../demoUsers.js';

export type FetchLike = typeof fetch;

/** The redirect URI the flow registers. Nothing listens there: the code is read from the redirect. */
export const DEFAULT_REDIRECT_URI = 'http://127.0.0.1/neonpanel-dev/callback';

/** Why the flow stopped; `message` is safe to show (no token, no secret). */
export class DevFlowError extends Error {
  constructor(message: string, readonly code: 'unreachable' | 'sign_in_failed' | 'authorization_error' | 'protocol' = 'protocol') {
    super(message);
    this.name = 'DevFlowError';
  }
}

export interface AuthorizationResponse {
  /** The redirect to the client, as the browser would have followed it. */
  url: URL;
  code?: string;
  state?: string;
  /** RFC 9207 issuer of the response. */
  iss?: string;
  error?: string;
  errorDescription?: string;
}

export interface CompleteAuthorizationOptions {
  /** The client's redirect URI: the walk stops at the first redirect there. */
  redirectUri: string | URL;
  login: string;
  password: string;
  /** What to click on the consent page. Default `approve`. */
  decision?: 'approve' | 'deny';
  /** The browser's cookies; pass one jar to keep a sign-in session across authorizations. */
  jar?: CookieJar;
  fetch?: FetchLike;
  /** Redirects and pages followed before giving up. Default 20. */
  maxSteps?: number;
  /** Sees every HTML page on the way (sign-in, consent, errors), e.g. for assertions. */
  onPage?: (page: { url: URL; status: number; html: string }) => void;
}

const HTML_ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
const unescapeHtml = (value: string) => value.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => HTML_ENTITIES[e]!);

/**
 * The `action` of the form with this id, or undefined. A regular expression is enough: it
 * reads our own pages (pages.ts), whose form tags have a fixed shape, not arbitrary HTML.
 */
function formAction(html: string, formId: string): string | undefined {
  const tag = new RegExp(`<form\\b[^>]*\\bid="${formId}"[^>]*>`).exec(html)?.[0];
  const action = tag ? /\baction="([^"]*)"/.exec(tag)?.[1] : undefined;
  return action === undefined ? undefined : unescapeHtml(action);
}

/** The hidden fields of the form with this id (the broker's consent form carries its CSRF token in one). */
function hiddenFields(html: string, formId: string): Record<string, string> {
  const start = html.search(new RegExp(`<form\\b[^>]*\\bid="${formId}"`));
  if (start === -1) return {};
  const body = html.slice(start, html.indexOf('</form>', start));
  const fields: Record<string, string> = {};
  for (const tag of body.match(/<input\b[^>]*\btype="hidden"[^>]*>/g) ?? []) {
    const name = /\bname="([^"]*)"/.exec(tag)?.[1];
    const value = /\bvalue="([^"]*)"/.exec(tag)?.[1];
    if (name !== undefined) fields[unescapeHtml(name)] = unescapeHtml(value ?? '');
  }
  return fields;
}

function pageMessage(html: string): string | undefined {
  const match = /<p\b[^>]*\bid="(?:error|message)"[^>]*>([^<]*)<\/p>/.exec(html);
  return match ? unescapeHtml(match[1]!) : undefined;
}

function sameEndpoint(a: URL, b: URL): boolean {
  return a.origin === b.origin && a.pathname === b.pathname;
}

/**
 * Plays the browser from an authorization URL to the redirect back to the client: follows
 * redirects with cookies, signs in with the given credentials and answers the consent page.
 */
export async function completeAuthorization(
  authorizationUrl: string | URL,
  options: CompleteAuthorizationOptions,
): Promise<AuthorizationResponse> {
  const doFetch = options.fetch ?? fetch;
  const jar = options.jar ?? new CookieJar();
  const redirectUri = new URL(options.redirectUri);
  const maxSteps = options.maxSteps ?? 20;

  let url = new URL(authorizationUrl);
  let init: RequestInit = { method: 'GET' };
  for (let step = 0; step < maxSteps; step++) {
    if (sameEndpoint(url, redirectUri)) return authorizationResponse(url);

    const headers = new Headers(init.headers);
    const cookie = await jar.getCookieString(url);
    if (cookie) headers.set('cookie', cookie);
    const response = await doFetch(url, { ...init, headers, redirect: 'manual' });
    for (const setCookie of response.headers.getSetCookie()) await jar.setCookie(setCookie, url, { ignoreError: true });

    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      url = new URL(location, url);
      init = { method: 'GET' };
      continue;
    }

    const html = await response.text();
    options.onPage?.({ url, status: response.status, html });
    const loginAction = formAction(html, 'login-form');
    const consentAction = formAction(html, 'consent-form');
    if (loginAction !== undefined && response.status === 200) {
      url = new URL(loginAction, url);
      init = form({ login: options.login, password: options.password });
    } else if (consentAction !== undefined && response.status === 200) {
      url = new URL(consentAction, url);
      init = form({ ...hiddenFields(html, 'consent-form'), decision: options.decision ?? 'approve' });
    } else if (loginAction !== undefined) {
      throw new DevFlowError(`Sign-in failed for "${options.login}": ${pageMessage(html) ?? `HTTP ${response.status}`}`, 'sign_in_failed');
    } else {
      throw new DevFlowError(`The authorization server answered HTTP ${response.status}: ${pageMessage(html) ?? 'unexpected page'}`);
    }
  }
  throw new DevFlowError(`Gave up after ${maxSteps} steps without being redirected to ${redirectUri.origin}${redirectUri.pathname}.`);
}

function form(fields: Record<string, string>): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  };
}

function authorizationResponse(url: URL): AuthorizationResponse {
  const get = (name: string) => url.searchParams.get(name) ?? undefined;
  const response: AuthorizationResponse = { url };
  for (const [key, name] of [['code', 'code'], ['state', 'state'], ['iss', 'iss'], ['error', 'error'], ['errorDescription', 'error_description']] as const) {
    const value = get(name);
    if (value !== undefined) response[key] = value;
  }
  return response;
}

export interface ObtainTokenOptions {
  /** Issuer of the development authorization server, e.g. http://localhost:3031. */
  issuer: string;
  /** Demo user login. */
  user: string;
  /** Default: the demo user's password. */
  password?: string;
  /**
   * Space-delimited scopes to ask for; narrowed to what the user may grant. Default: every
   * scope the server's metadata lists except `offline_access` (`openid` under the neonpanel profile).
   */
  scope?: string;
  /** RFC 8707 resource; default: none sent (the server then uses the MCP server's base URL). */
  resource?: string;
  redirectUri?: string;
  clientName?: string;
  /** How the registered client authenticates at the token endpoint. Default `none` (a public client). */
  tokenEndpointAuthMethod?: 'none' | 'client_secret_basic' | 'client_secret_post';
  fetch?: FetchLike;
}

export interface ObtainedToken {
  tokens: OAuthTokens;
  client: OAuthClientInformationFull;
  metadata: AuthorizationServerMetadata;
  redirectUri: string;
}

/** Fetches the RFC 8414 document once to tell "not running" from "not an authorization server". */
async function assertReachable(issuer: string, doFetch: FetchLike): Promise<void> {
  try {
    // OpenID discovery: both profiles serve it (the neonpanel one serves nothing else).
    const response = await doFetch(`${issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5_000) });
    await response.body?.cancel();
  } catch {
    throw new DevFlowError(`The development authorization server is not reachable at ${issuer}. Start it with "pnpm dev".`, 'unreachable');
  }
}

/** The whole flow for a demo user: a new public client, sign-in, consent, code exchange. */
export async function obtainToken(options: ObtainTokenOptions): Promise<ObtainedToken> {
  const doFetch = options.fetch ?? fetch;
  const issuer = options.issuer.replace(/\/+$/, '');
  const password = options.password ?? demoUserByLogin(options.user)?.password;
  if (password === undefined) throw new DevFlowError(`"${options.user}" is not a demo user; pass a password.`, 'sign_in_failed');
  const redirectUri = options.redirectUri ?? DEFAULT_REDIRECT_URI;

  await assertReachable(issuer, doFetch);
  const metadata = await discoverAuthorizationServerMetadata(issuer, { fetchFn: doFetch });
  if (!metadata) throw new DevFlowError(`No authorization server metadata at ${issuer}.`);

  const client = await registerClient(issuer, {
    metadata,
    clientMetadata: {
      client_name: options.clientName ?? 'NeonPanel dev token command',
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: options.tokenEndpointAuthMethod ?? 'none',
    },
    fetchFn: doFetch,
  });

  const scope = options.scope ?? (metadata.scopes_supported ?? []).filter((s) => s !== 'offline_access').join(' ');
  const state = randomBytes(16).toString('base64url');
  const { authorizationUrl, codeVerifier } = await startAuthorization(issuer, {
    metadata,
    clientInformation: client,
    redirectUrl: redirectUri,
    scope,
    state,
    ...(options.resource ? { resource: options.resource } : {}),
  });

  const answer = await completeAuthorization(authorizationUrl, {
    redirectUri,
    login: options.user,
    password,
    fetch: doFetch,
  });
  if (answer.error) {
    throw new DevFlowError(`Authorization failed: ${answer.error}${answer.errorDescription ? ` (${answer.errorDescription})` : ''}`, 'authorization_error');
  }
  if (!answer.code) throw new DevFlowError('The authorization server redirected back without a code.');
  if (answer.state !== state) throw new DevFlowError('The authorization response carried the wrong state.');

  const tokens = await exchangeAuthorization(issuer, {
    metadata,
    clientInformation: client,
    authorizationCode: answer.code,
    codeVerifier,
    redirectUri,
    ...(options.resource ? { resource: options.resource } : {}),
    fetchFn: doFetch,
  });
  return { tokens, client, metadata, redirectUri };
}
