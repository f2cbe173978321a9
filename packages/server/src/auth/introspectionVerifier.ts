/**
 * RFC 7662 token introspection, for authorization servers that issue opaque tokens.
 */
import type { AuthInfo, TokenVerifier } from './types.js';
import { InvalidTokenError, VerifierUnavailableError } from './errors.js';
import { checkAudience, scopesFromClaims } from './policy.js';
import { introspectedTypeProblem } from './tokenShape.js';
import type { OAuthProfile } from '../config.js';

export interface IntrospectionVerifierOptions {
  introspectionUrl: string;
  clientId: string;
  clientSecret?: string | undefined;
  issuer: string;
  audiences: string[];
  /** How `aud` is judged (auth/policy.ts). Default `standard`. */
  profile?: OAuthProfile;
  allowedClients?: readonly string[] | undefined;
  timeoutMs: number;
  clockSkewSeconds: number;
  fetch?: typeof fetch;
}

export function createIntrospectionVerifier(options: IntrospectionVerifierOptions): TokenVerifier {
  const doFetch = options.fetch ?? fetch;
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  if (options.clientSecret !== undefined) {
    // RFC 6749 §2.3.1: both parts are form-urlencoded before base64.
    const basic = `${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`;
    headers['authorization'] = `Basic ${Buffer.from(basic).toString('base64')}`;
  }

  return {
    async verifyAccessToken(token: string): Promise<AuthInfo> {
      const body = new URLSearchParams({ token, token_type_hint: 'access_token' });
      if (options.clientSecret === undefined) body.set('client_id', options.clientId);
      let claims: Record<string, unknown>;
      try {
        const response = await doFetch(options.introspectionUrl, {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        // Any non-200 is our problem (down, or our client credentials), not the token's.
        if (response.status !== 200) throw new Error(`introspection answered ${response.status}`);
        claims = (await response.json()) as Record<string, unknown>;
      } catch {
        throw new VerifierUnavailableError();
      }
      if (claims === null || typeof claims !== 'object' || claims['active'] !== true) {
        throw new InvalidTokenError('The access token is not active.', 'inactive');
      }
      const notAccess = introspectedTypeProblem(claims);
      if (notAccess) throw new InvalidTokenError(notAccess.message, notAccess.reason);
      const now = Date.now() / 1000;
      const exp = typeof claims['exp'] === 'number' ? claims['exp'] : undefined;
      if (exp !== undefined && exp + options.clockSkewSeconds < now) throw new InvalidTokenError('The access token has expired.', 'expired');
      if (typeof claims['iss'] === 'string' && claims['iss'].replace(/\/+$/, '') !== options.issuer) {
        throw new InvalidTokenError('The access token was issued by another authorization server.', 'wrong_issuer');
      }
      // The profile's policy judges an answer without `aud` as it judges a JWT without one:
      // `standard` refuses it, `neonpanel` accepts it.
      const decision = checkAudience(claims, {
        profile: options.profile ?? 'standard',
        audiences: options.audiences,
        allowedClients: options.allowedClients,
      });
      if (!decision.ok) throw new InvalidTokenError(decision.reason, decision.kind);
      const { resource, clientId } = decision;
      if (typeof claims['sub'] !== 'string' || claims['sub'] === '') throw new InvalidTokenError('The access token has no subject.');
      return {
        token,
        clientId: clientId ?? '',
        scopes: scopesFromClaims(claims),
        ...(exp !== undefined ? { expiresAt: exp } : {}),
        ...(resource && URL.canParse(resource) ? { resource: new URL(resource) } : {}),
        extra: { subject: claims['sub'], issuer: claims['iss'] ?? options.issuer },
      };
    },
  };
}
