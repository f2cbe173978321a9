/**
 * The real-token cases' tokens, from Secrets Manager: the secret is the token itself, JSON
 * `{"token": "…", "limitedToken": "…"}`, or, in broker mode, a grant to redeem:
 * `{"refreshToken": "…", "clientId": "…"}` (broker-grant.ts). Errors name the secret and the
 * failure, never the value.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GrantError, redeemBrokerGrant, type BrokerGrant, type RedeemOptions } from './broker-grant.js';
import type { GateTokens } from './matrix.js';

export class TokenSecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenSecretError';
  }
}

/** A broker grant, when the secret is one; undefined for the token forms. */
export function brokerGrantIn(value: string): BrokerGrant | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  const record = parsed as Record<string, unknown> | null;
  if (typeof record !== 'object' || record === null || !('refreshToken' in record)) return undefined;
  if (typeof record['refreshToken'] !== 'string' || record['refreshToken'].trim() === '') throw new TokenSecretError('the secret\'s "refreshToken" must be a non-empty string');
  if (typeof record['clientId'] !== 'string' || record['clientId'].trim() === '') throw new TokenSecretError('the secret has a "refreshToken" but no "clientId" string');
  return { refreshToken: record['refreshToken'].trim(), clientId: record['clientId'].trim() };
}

export function parseTokenSecret(value: string): GateTokens {
  const text = value.trim();
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new TokenSecretError('the secret looks like JSON but does not parse');
    }
    const record = parsed as Record<string, unknown>;
    if (typeof record['token'] !== 'string' || record['token'].trim() === '') throw new TokenSecretError('the secret\'s JSON has no "token" string');
    const limited = record['limitedToken'];
    if (limited !== undefined && (typeof limited !== 'string' || limited.trim() === '')) {
      throw new TokenSecretError('the secret\'s "limitedToken" must be a non-empty string');
    }
    return { token: record['token'].trim(), ...(typeof limited === 'string' ? { limitedToken: limited.trim() } : {}) };
  }
  if (text === '' || /\s/.test(text)) throw new TokenSecretError('the secret is neither a token nor JSON with a "token"');
  return { token: text };
}

/** `redeem` says where a broker grant is redeemed; without it a grant in the secret is refused. */
export async function readGateTokens(client: SecretsManagerClient, secretArn: string, redeem?: RedeemOptions): Promise<GateTokens> {
  let value: string | undefined;
  try {
    value = (await client.send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString;
  } catch (error) {
    const e = error as { name?: string; message?: string };
    throw new TokenSecretError(`GetSecretValue(${secretArn}) failed: ${e.name ?? 'Error'}: ${e.message ?? String(error)}`);
  }
  if (value === undefined) throw new TokenSecretError(`secret ${secretArn} has no string value`);
  try {
    const grant = brokerGrantIn(value.trim());
    if (grant) {
      if (!redeem) throw new TokenSecretError('the secret holds a broker grant, and this reader cannot redeem one');
      return await redeemBrokerGrant(grant, client, secretArn, redeem);
    }
    return parseTokenSecret(value);
  } catch (error) {
    const message = `secret ${secretArn}: ${(error as Error).message}`;
    // Keeps telling an unreachable gateway apart from a bad secret (gate-run.ts).
    throw error instanceof GrantError ? new GrantError(message, error.unreachable) : new TokenSecretError(message);
  }
}
