/**
 * What the rest of the server sees of the NeonPanel client. The implementation lives in
 * `client.ts`; tools depend only on this.
 */
import type { Client } from 'openapi-fetch';
import type { AuthInfo } from '../auth/types.js';
import type { paths } from './schema.js';

export type { paths };

/** Who is calling, for one upstream request. */
export interface UpstreamCallContext {
  auth: AuthInfo;
  /** Propagated upstream as `X-Request-Id`. */
  requestId: string;
  signal?: AbortSignal;
}

/**
 * A typed openapi-fetch client bound to one caller. Any non-2xx answer, timeout or network
 * failure is thrown as a `NeonPanelError`, so `data` is always set when a call returns.
 */
export type NeonPanelApi = Client<paths>;

export interface NeonPanelClient {
  forCaller(context: UpstreamCallContext): NeonPanelApi;
  /** Releases pooled connections. */
  close?(): Promise<void> | void;
}
