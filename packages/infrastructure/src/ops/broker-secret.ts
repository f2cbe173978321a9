/**
 * The broker secret (lib/broker.ts): one JSON object in Secrets Manager whose keys ECS injects.
 * The operator commands add to it key by key: read, merge, write back; created when missing.
 * Errors name the secret and the failure, never a value.
 */
import {
  CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand, type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { awsError, OpsError } from './types.js';

export type SecretFields = Record<string, string>;

const isMissing = (error: unknown) => (error as { name?: string }).name === 'ResourceNotFoundException';

/** The secret's JSON object, or undefined when the secret does not exist yet. */
export async function readSecretFields(client: SecretsManagerClient, secretId: string): Promise<SecretFields | undefined> {
  let value: string | undefined;
  try {
    value = (await client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw awsError(`GetSecretValue(${secretId})`, error);
  }
  if (value === undefined || value.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new OpsError(`Secret ${secretId} does not hold a JSON object; fix or empty it before adding to it.`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !Object.values(parsed).every((v) => typeof v === 'string')) {
    throw new OpsError(`Secret ${secretId} does not hold a JSON object of strings.`);
  }
  return parsed as SecretFields;
}

/** Writes `fields` over the secret's current ones (a new version; the others stay), creating it when missing. */
export async function mergeSecretFields(client: SecretsManagerClient, secretId: string, fields: SecretFields, description: string): Promise<'created' | 'updated'> {
  const current = await readSecretFields(client, secretId);
  const SecretString = JSON.stringify({ ...current, ...fields });
  try {
    if (current === undefined) {
      await client.send(new CreateSecretCommand({ Name: secretId, Description: description, SecretString }));
      return 'created';
    }
    await client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString }));
    return 'updated';
  } catch (error) {
    throw awsError(`${current === undefined ? 'CreateSecret' : 'PutSecretValue'}(${secretId})`, error);
  }
}

export const BROKER_SECRET_DESCRIPTION = 'NeonPanel MCP gateway broker: the NeonPanel client, the vault key(s), the signing JWKS (RUNBOOK "Registering at NeonPanel")';
