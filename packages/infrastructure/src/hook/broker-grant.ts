/**
 * The gate's grant in broker mode: the secret holds a refresh token of the gateway's own
 * authorization server and the (public) client id it was issued to, from one sign-in by a
 * person. Each run redeems it at the gateway's token endpoint (RFC 8414 metadata,
 * `grant_type=refresh_token`), runs the matrix on the access token, and writes the rotated
 * refresh token back (PutSecretValue), so the grant lives on with nobody in the loop.
 *
 * The refresh token rotates with reuse detection: the rotated one must be stored before it is
 * needed again, and two redeemers of one secret race (give the canary its own: RUNBOOK). No
 * token reaches an error message; the token endpoint must be on the gateway's own origin, so
 * the refresh token is never sent anywhere else.
 */
import { PutSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { jsonAnswer } from './json-answer.js';
import type { GateTokens } from './matrix.js';

export interface BrokerGrant {
  refreshToken: string;
  clientId: string;
}

export class GrantError extends Error {
  /** The gateway gave no HTTP answer at all: the caller treats that as "unreachable", not as a verdict. */
  readonly unreachable: boolean;

  constructor(message: string, unreachable = false) {
    super(message);
    this.name = 'GrantError';
    this.unreachable = unreachable;
  }
}

export interface RedeemOptions {
  /** The gateway's public URL (the matrix's). */
  gatewayUrl: string;
  /** Each request's limit, in ms. */
  timeoutMs: number;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
}

const json = (response: Response, what: string) => jsonAnswer(response, what, (message) => new GrantError(message));

/** The access token for this run; the rotated refresh token is stored before this returns. */
export async function redeemBrokerGrant(grant: BrokerGrant, secrets: SecretsManagerClient, secretArn: string, options: RedeemOptions): Promise<GateTokens> {
  const fetchFn = options.fetch ?? fetch;
  const origin = new URL(options.gatewayUrl).origin;
  const signal = () => AbortSignal.timeout(options.timeoutMs);
  const call = async (what: string, url: string, init: RequestInit): Promise<Record<string, unknown>> => {
    let response: Response;
    try {
      response = await fetchFn(url, { ...init, signal: signal() });
    } catch (error) {
      throw new GrantError(`${what} did not answer (${(error as Error).name})`, true);
    }
    return json(response, what);
  };

  const metadata = await call("the gateway's authorization server metadata", `${origin}/.well-known/oauth-authorization-server`, { headers: { Accept: 'application/json' } });
  const tokenEndpoint = metadata['token_endpoint'];
  if (typeof tokenEndpoint !== 'string' || !URL.canParse(tokenEndpoint) || new URL(tokenEndpoint).origin !== origin) {
    throw new GrantError("the gateway's metadata names no token_endpoint on its own origin");
  }
  const answer = await call("the gateway's token endpoint", tokenEndpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    // A public client: its id in the body, no client authentication.
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: grant.refreshToken, client_id: grant.clientId }).toString(),
  }).catch((error: unknown) => {
    if (error instanceof GrantError && / \(invalid_grant\)$/.test(error.message)) {
      throw new GrantError(`${error.message}: the gate's grant is gone (revoked, expired or replayed); sign in again and store the new refresh token (RUNBOOK "The release gate")`);
    }
    throw error;
  });
  const accessToken = answer['access_token'];
  if (typeof accessToken !== 'string' || accessToken === '') throw new GrantError("the gateway's token endpoint answered no access_token");
  const rotated = answer['refresh_token'];
  if (typeof rotated === 'string' && rotated !== '' && rotated !== grant.refreshToken) {
    try {
      await secrets.send(new PutSecretValueCommand({ SecretId: secretArn, SecretString: JSON.stringify({ refreshToken: rotated, clientId: grant.clientId }) }));
    } catch (error) {
      const e = error as { name?: string };
      // The old refresh token is spent: the next run would replay it and lose the grant.
      throw new GrantError(`could not store the rotated refresh token (PutSecretValue: ${e.name ?? 'Error'}); the grant is lost: sign in again`);
    }
  }
  return { token: accessToken };
}
