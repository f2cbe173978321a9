/**
 * Where the NeonPanel bearer of a call comes from when it is not the caller's own token:
 * in broker mode the caller holds OUR token, and NeonPanel's token is the grant's, from the
 * broker's vault (auth/broker/upstreamTokens.ts). An auth type, as AuthInfo is: neonpanel/
 * uses it and knows nothing of the broker.
 */
import type { AuthInfo } from './types.js';

export interface UpstreamTokenSource {
  /** NeonPanel's access token for this caller; undefined when the grant is gone (the caller must sign in again). */
  tokenFor(auth: AuthInfo, signal?: AbortSignal): Promise<string | undefined>;
  /** NeonPanel refused the token this source handed out (401): the grant cannot be used any more. */
  rejected(auth: AuthInfo): Promise<void>;
}
