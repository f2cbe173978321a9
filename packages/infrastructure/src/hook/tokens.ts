/**
 * The real-token cases' tokens, from Secrets Manager: the secret is either the token itself or
 * JSON `{"token": "…", "limitedToken": "…"}`. Errors name the secret and the failure, never
 * the value.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { GateTokens } from './matrix.js';

export class TokenSecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenSecretError';
  }
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

export async function readGateTokens(client: SecretsManagerClient, secretArn: string): Promise<GateTokens> {
  let value: string | undefined;
  try {
    value = (await client.send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString;
  } catch (error) {
    const e = error as { name?: string; message?: string };
    throw new TokenSecretError(`GetSecretValue(${secretArn}) failed: ${e.name ?? 'Error'}: ${e.message ?? String(error)}`);
  }
  if (value === undefined) throw new TokenSecretError(`secret ${secretArn} has no string value`);
  try {
    return parseTokenSecret(value);
  } catch (error) {
    throw new TokenSecretError(`secret ${secretArn}: ${(error as Error).message}`);
  }
}
