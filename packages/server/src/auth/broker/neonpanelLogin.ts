/**
 * The upstream leg: our one confidential client at NeonPanel. Endpoints come from
 * NeonPanel's discovery document; sign-in is authorization code + PKCE S256 with scope
 * `openid`; the ID token (issuer, audience = our client, nonce) says who signed in.
 *
 * By hand over fetch rather than an OAuth client library: it is three form POSTs and one
 * jose verification, and every error must stay free of NeonPanel's URLs and bodies.
 */
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { MetadataSource } from '../authorizationServerMetadata.js';
import type { UpstreamTokens } from './tokenVault.js';

/** NeonPanel refused the refresh token or our client (invalid_grant, 401): the grant is over. */
export class UpstreamGrantRejectedError extends Error {
  constructor() {
    super('NeonPanel no longer accepts this sign-in.');
    this.name = 'UpstreamGrantRejectedError';
  }
}

/** Anything else that went wrong with NeonPanel's token endpoint or ID token; the message is safe to show. */
export class UpstreamLoginError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UpstreamLoginError';
  }
}

export interface NeonPanelLoginOptions {
  /** NeonPanel's discovery document (the same source the health check reads). */
  metadata: MetadataSource;
  clientId: string;
  clientSecret: string;
  /** `<PUBLIC_BASE_URL>/oauth/neonpanel/callback`. */
  redirectUri: string;
  timeoutMs: number;
  clockSkewSeconds: number;
  fetch?: typeof fetch;
  now?: () => number;
}

export interface NeonPanelLogin {
  authorizationUrl(input: { state: string; nonce: string; codeChallenge: string }): Promise<string>;
  redeemCode(code: string, codeVerifier: string): Promise<{ tokens: UpstreamTokens; idToken: string }>;
  /** The `sub` of a valid ID token for our client and this nonce. */
  verifyIdToken(idToken: string, nonce: string): Promise<string>;
  refresh(refreshToken: string): Promise<UpstreamTokens>;
}

export const NEONPANEL_CALLBACK_PATH = '/oauth/neonpanel/callback';

const endpoint = (doc: Record<string, unknown>, name: string): string => {
  const value = doc[name];
  if (typeof value !== 'string') throw new UpstreamLoginError(`NeonPanel's discovery document names no ${name}.`);
  return value;
};

export function createNeonPanelLogin(options: NeonPanelLoginOptions): NeonPanelLogin {
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const basic = `Basic ${Buffer.from(`${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`).toString('base64')}`;
  let keys: { uri: string; set: JWTVerifyGetKey } | undefined;

  async function tokenRequest(fields: Record<string, string>): Promise<Record<string, unknown>> {
    const doc = await options.metadata.get();
    let response: Response;
    try {
      response = await doFetch(endpoint(doc, 'token_endpoint'), {
        method: 'POST',
        headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams(fields).toString(),
        redirect: 'manual',
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch {
      throw new UpstreamLoginError('NeonPanel\'s token endpoint could not be reached.');
    }
    const body = await response.json().catch(() => ({})) as Record<string, unknown>;
    if (response.status === 401 || body['error'] === 'invalid_grant' || body['error'] === 'invalid_client') throw new UpstreamGrantRejectedError();
    if (!response.ok) throw new UpstreamLoginError(`NeonPanel's token endpoint answered HTTP ${response.status}.`);
    return body;
  }

  function tokensOf(body: Record<string, unknown>, previousRefresh?: string): UpstreamTokens {
    const accessToken = body['access_token'];
    if (typeof accessToken !== 'string' || accessToken === '') throw new UpstreamLoginError('NeonPanel issued no access token.');
    const expiresIn = typeof body['expires_in'] === 'number' ? body['expires_in'] : 3600;
    const refreshToken = typeof body['refresh_token'] === 'string' ? body['refresh_token'] : previousRefresh;
    return { accessToken, refreshToken, expiresAt: now() + expiresIn * 1000 };
  }

  return {
    async authorizationUrl({ state, nonce, codeChallenge }) {
      const url = new URL(endpoint(await options.metadata.get(), 'authorization_endpoint'));
      const params = {
        response_type: 'code',
        client_id: options.clientId,
        redirect_uri: options.redirectUri,
        scope: 'openid',
        state,
        nonce,
        code_challenge: codeChallenge,
        code_challenge_method: 'S256',
      };
      for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
      return url.href;
    },

    async redeemCode(code, codeVerifier) {
      const body = await tokenRequest({ grant_type: 'authorization_code', code, code_verifier: codeVerifier, redirect_uri: options.redirectUri });
      const idToken = body['id_token'];
      if (typeof idToken !== 'string') throw new UpstreamLoginError('NeonPanel issued no ID token.');
      return { tokens: tokensOf(body), idToken };
    },

    async verifyIdToken(idToken, nonce) {
      const doc = await options.metadata.get();
      const uri = endpoint(doc, 'jwks_uri');
      if (keys?.uri !== uri) keys = { uri, set: createRemoteJWKSet(new URL(uri), { timeoutDuration: options.timeoutMs }) };
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtVerify(idToken, keys.set, {
          issuer: doc.issuer,
          audience: options.clientId,
          clockTolerance: options.clockSkewSeconds,
          currentDate: new Date(now()),
        }));
      } catch {
        throw new UpstreamLoginError('NeonPanel\'s ID token did not verify.');
      }
      if (payload['nonce'] !== nonce) throw new UpstreamLoginError('NeonPanel\'s ID token carries the wrong nonce.');
      if (typeof payload['sub'] !== 'string' || payload['sub'] === '') throw new UpstreamLoginError('NeonPanel\'s ID token names no subject.');
      return payload['sub'];
    },

    async refresh(refreshToken) {
      const body = await tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken });
      return tokensOf(body, refreshToken);
    },
  };
}
