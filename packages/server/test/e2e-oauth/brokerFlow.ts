/**
 * The broker's OAuth steps one at a time, for tests that must stop between them (replay a
 * code, skip the CSRF token, tamper with the state): registration, an authorization URL with
 * PKCE S256, the walk through consent and NeonPanel's sign-in, and raw token requests whose
 * error answers the test can read.
 */
import { createHash, randomBytes } from 'node:crypto';
import { CookieJar } from 'tough-cookie';
import { completeAuthorization, type AuthorizationResponse } from '../../src/dev/authServer/index.js';
import type { DemoUser } from '../../src/dev/demoUsers.js';

export const BROKER_TEST_REDIRECT = 'http://127.0.0.1:6274/oauth/callback';

export interface RegisteredClient {
  client_id: string;
  redirect_uris: string[];
}

export async function registerClient(base: string, redirectUris: string[] = [BROKER_TEST_REDIRECT]): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${base}/oauth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_name: 'Broker test client',
      redirect_uris: redirectUris,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    }),
  });
  return { status: response.status, body: await response.json() as Record<string, unknown> };
}

export async function publicClient(base: string): Promise<RegisteredClient> {
  const { status, body } = await registerClient(base);
  if (status !== 201) throw new Error(`registration failed: ${status} ${JSON.stringify(body)}`);
  return body as unknown as RegisteredClient;
}

export interface AuthorizationRequest {
  url: URL;
  verifier: string;
  state: string;
  redirectUri: string;
}

export function authorizationRequest(base: string, client: RegisteredClient, params: Record<string, string | undefined> = {}): AuthorizationRequest {
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const redirectUri = params['redirect_uri'] ?? client.redirect_uris[0]!;
  const url = new URL(`${base}/oauth/authorize`);
  const all: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: client.client_id,
    redirect_uri: redirectUri,
    scope: 'read:companies read:inventory',
    state,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...params,
  };
  for (const [name, value] of Object.entries(all)) if (value !== undefined) url.searchParams.set(name, value);
  return { url, verifier, state, redirectUri };
}

/** Plays the person: consent at the broker, sign-in and consent at "NeonPanel", back to the client. */
export function signIn(request: AuthorizationRequest, user: DemoUser, jar = new CookieJar()): Promise<AuthorizationResponse> {
  return completeAuthorization(request.url, { redirectUri: request.redirectUri, login: user.login, password: user.password, jar });
}

export async function tokenRequest(base: string, fields: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: response.status, body: await response.json() as Record<string, unknown> };
}

export function redeemCode(base: string, client: RegisteredClient, request: AuthorizationRequest, code: string, extra: Record<string, string> = {}) {
  return tokenRequest(base, {
    grant_type: 'authorization_code',
    client_id: client.client_id,
    code,
    code_verifier: request.verifier,
    redirect_uri: request.redirectUri,
    ...extra,
  });
}

/** A whole sign-in: our access and refresh tokens for `user`. */
export async function brokerTokens(base: string, user: DemoUser, params: Record<string, string | undefined> = {}) {
  const client = await publicClient(base);
  const request = authorizationRequest(base, client, params);
  const answer = await signIn(request, user);
  if (!answer.code) throw new Error(`no code: ${answer.error ?? 'none'} ${answer.errorDescription ?? ''}`);
  const { status, body } = await redeemCode(base, client, request, answer.code);
  if (status !== 200) throw new Error(`token request failed: ${status} ${JSON.stringify(body)}`);
  return { client, request, code: answer.code, accessToken: String(body['access_token']), refreshToken: String(body['refresh_token']), body };
}
