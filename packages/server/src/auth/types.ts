/**
 * The auth vocabulary shared with the MCP SDK: a verified token is the SDK's `AuthInfo`,
 * and a verifier has the SDK's `OAuthTokenVerifier` shape, so either side can be swapped.
 */
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { OAuthTokenVerifier } from '@modelcontextprotocol/sdk/server/auth/provider.js';

export type { AuthInfo };

/** Verifies an access token, resolving to who it belongs to or rejecting with an `AuthError`. */
export type TokenVerifier = OAuthTokenVerifier;

/** The caller's identity as the rest of the server sees it (kept in `AuthInfo.extra`). */
export interface Principal {
  /** `sub` of the token: the user. */
  subject: string;
  clientId: string;
  scopes: string[];
}

export function principalOf(auth: AuthInfo): Principal {
  const subject = typeof auth.extra?.['subject'] === 'string' ? auth.extra['subject'] : '';
  return { subject, clientId: auth.clientId, scopes: auth.scopes };
}
