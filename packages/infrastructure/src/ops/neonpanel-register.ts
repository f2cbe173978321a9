/**
 * `register`: registers the gateway at NeonPanel as ONE confidential OAuth client (RFC 7591
 * dynamic registration), with exactly the callback the stack outputs as its redirect URI, and
 * the authorization-code and refresh-token grants. The registration endpoint comes from
 * NeonPanel's OpenID configuration, never from a guess.
 *
 * It prints what to store; with `--write` it puts the client id and secret (and NeonPanel's
 * registration access token and client URI, the only way to manage the client later) into the
 * broker secret and prints only the client id. Errors name what failed and NeonPanel's `error`
 * code, never a URL or a response body.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { neonpanelCallbackUrl } from '../../lib/broker.js';
import { jsonAnswer } from '../hook/json-answer.js';
import { BROKER_SECRET_DESCRIPTION, mergeSecretFields } from './broker-secret.js';
import { OpsError, type Output } from './types.js';

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post';

export interface RegisterOptions {
  /** NeonPanel's issuer, e.g. https://my.neonpanel.com. */
  issuer: string;
  /** The gateway's public host name: the callback is https://<domain>/oauth/neonpanel/callback. */
  domainName: string;
  authMethod: ClientAuthMethod;
  output: Output;
  secretName: string;
  write: boolean;
  secrets?: SecretsManagerClient;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Each request's limit. @default 10 s */
  timeoutMs?: number;
}

/** https only, except on loopback (tests and a local NeonPanel); undefined otherwise. */
function secureUrl(value: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
  return url.protocol === 'https:' || (url.protocol === 'http:' && loopback) ? url : undefined;
}

const jsonFrom = (response: Response, what: string) => jsonAnswer(response, what, (message) => new OpsError(message));

export async function registerCommand(options: RegisterOptions): Promise<number> {
  const fetchFn = options.fetch ?? fetch;
  const signal = () => AbortSignal.timeout(options.timeoutMs ?? 10_000);
  const issuer = secureUrl(options.issuer);
  if (!issuer) throw new OpsError(`--issuer must be an absolute https URL, got "${options.issuer}"`);
  const redirectUri = neonpanelCallbackUrl(options.domainName);

  const discoveryUrl = new URL(`${issuer.pathname.replace(/\/+$/, '')}/.well-known/openid-configuration`, issuer);
  let metadata: Record<string, unknown>;
  try {
    metadata = await jsonFrom(await fetchFn(discoveryUrl, { headers: { Accept: 'application/json' }, signal: signal() }), "NeonPanel's OpenID configuration");
  } catch (error) {
    if (error instanceof OpsError) throw error;
    throw new OpsError(`NeonPanel's OpenID configuration could not be read (${(error as Error).name})`);
  }
  const endpoint = metadata['registration_endpoint'];
  const registration = typeof endpoint === 'string' ? secureUrl(endpoint) : undefined;
  if (!registration) throw new OpsError("NeonPanel's OpenID configuration names no https registration_endpoint");

  let client: Record<string, unknown>;
  try {
    client = await jsonFrom(await fetchFn(registration, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({
        client_name: `NeonPanel MCP gateway (${options.domainName})`,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: options.authMethod,
        scope: 'openid',
        application_type: 'web',
      }),
      signal: signal(),
    }), "NeonPanel's registration endpoint");
  } catch (error) {
    if (error instanceof OpsError) throw error;
    throw new OpsError(`NeonPanel's registration endpoint could not be reached (${(error as Error).name})`);
  }
  const clientId = client['client_id'];
  const clientSecret = client['client_secret'];
  if (typeof clientId !== 'string' || clientId === '') throw new OpsError('NeonPanel registered no client_id');
  if (typeof clientSecret !== 'string' || clientSecret === '') throw new OpsError('NeonPanel registered a client without a client_secret: the broker needs a confidential client');
  const registered = client['redirect_uris'];
  if (Array.isArray(registered) && !registered.includes(redirectUri)) throw new OpsError(`NeonPanel registered other redirect URIs than ${redirectUri}`);

  const fields: Record<string, string> = { NEONPANEL_CLIENT_ID: clientId, NEONPANEL_CLIENT_SECRET: clientSecret };
  if (typeof client['registration_access_token'] === 'string') fields['NEONPANEL_REGISTRATION_ACCESS_TOKEN'] = client['registration_access_token'];
  if (typeof client['registration_client_uri'] === 'string') fields['NEONPANEL_REGISTRATION_CLIENT_URI'] = client['registration_client_uri'];

  options.output.info(`register: NeonPanel client ${clientId} registered for ${redirectUri} (${options.authMethod})`);
  if (!options.write) {
    options.output.info(`Store these in the broker secret ${options.secretName} (or rerun with --write):`);
    options.output.info(JSON.stringify(fields, null, 2));
    return 0;
  }
  if (!options.secrets) throw new OpsError('register --write needs Secrets Manager');
  const done = await mergeSecretFields(options.secrets, options.secretName, fields, BROKER_SECRET_DESCRIPTION);
  options.output.info(`register: the client id and secret${fields['NEONPANEL_REGISTRATION_ACCESS_TOKEN'] ? ' (and the registration access token)' : ''} written to ${options.secretName} (${done}).`);
  return 0;
}
