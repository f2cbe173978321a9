/**
 * The broker's operator commands: `register` against a NeonPanel stand-in on loopback (OpenID
 * discovery, then RFC 7591 registration), `keys` generating a JWKS and a vault key; both
 * printing what to store, or writing it into the broker secret (aws-sdk-client-mock).
 */
import {
  CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { importJWK, jwtVerify, SignJWT, type JWK } from 'jose';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateSigningKey, generateVaultKey, keysCommand } from '../../src/ops/broker-keys.js';
import { runCli } from '../../src/ops/cli.js';
import { registerCommand } from '../../src/ops/neonpanel-register.js';
import { OpsError } from '../../src/ops/types.js';
import { awsFailure, clients, recordingOutput, scriptedGate } from './support.js';

const SECRET = 'neonpanel-mcp/NeonPanelMcpGateway/broker';

interface Seen { method: string; url: string; body: unknown }

/** NeonPanel's discovery and registration, as its OpenAPI document describes them. */
async function startNeonPanel(answer: (body: Record<string, unknown>) => [number, unknown] = (body) => [201, {
  client_id: 'np-client-1', client_secret: 'np-secret-1', redirect_uris: body['redirect_uris'],
  registration_access_token: 'np-rat-1', registration_client_uri: 'https://np.example.test/oauth2/register/np-client-1',
}]): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const base = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
      const body = raw ? JSON.parse(raw) as Record<string, unknown> : undefined;
      seen.push({ method: req.method ?? '', url: req.url ?? '', body });
      res.setHeader('Content-Type', 'application/json');
      if (req.method === 'GET' && req.url === '/.well-known/openid-configuration') {
        res.end(JSON.stringify({ issuer: base, registration_endpoint: `${base}/oauth2/register`, token_endpoint: `${base}/oauth2/token` }));
      } else if (req.method === 'POST' && req.url === '/oauth2/register') {
        const [status, json] = answer(body ?? {});
        res.statusCode = status;
        res.end(JSON.stringify(json));
      } else {
        res.statusCode = 404;
        res.end('{"error":"not_found"}');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`,
    seen,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function secretsWith(existing?: Record<string, string>) {
  const secrets = new SecretsManagerClient({ region: 'eu-west-1' });
  const mock = mockClient(secrets);
  if (existing) mock.on(GetSecretValueCommand, { SecretId: SECRET }).resolves({ SecretString: JSON.stringify(existing) });
  else mock.on(GetSecretValueCommand).rejects(awsFailure('ResourceNotFoundException', "Secrets Manager can't find the specified secret."));
  mock.on(PutSecretValueCommand).resolves({});
  mock.on(CreateSecretCommand).resolves({});
  return { secrets, mock };
}

describe('register', () => {
  let neonpanel: Awaited<ReturnType<typeof startNeonPanel>> | undefined;
  afterEach(async () => {
    await neonpanel?.close();
    neonpanel = undefined;
  });

  it('registers one confidential client for exactly the callback, at the endpoint NeonPanel\'s discovery names', async () => {
    neonpanel = await startNeonPanel();
    const output = recordingOutput();
    expect(await registerCommand({ issuer: neonpanel.url, domainName: 'mcp.example.test', authMethod: 'client_secret_basic', secretName: SECRET, write: false, output })).toBe(0);
    expect(neonpanel.seen.map((s) => `${s.method} ${s.url}`)).toEqual(['GET /.well-known/openid-configuration', 'POST /oauth2/register']);
    expect(neonpanel.seen[1]!.body).toEqual({
      client_name: 'NeonPanel MCP gateway (mcp.example.test)',
      redirect_uris: ['https://mcp.example.test/oauth/neonpanel/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: 'openid',
      application_type: 'web',
    });
    // Printed for the operator to store: every value the broker secret needs from NeonPanel.
    expect(JSON.parse(output.lines.slice(2).join('\n'))).toEqual({
      NEONPANEL_CLIENT_ID: 'np-client-1', NEONPANEL_CLIENT_SECRET: 'np-secret-1',
      NEONPANEL_REGISTRATION_ACCESS_TOKEN: 'np-rat-1', NEONPANEL_REGISTRATION_CLIENT_URI: 'https://np.example.test/oauth2/register/np-client-1',
    });
  });

  it('with --write, merges them into the broker secret and prints the client id only', async () => {
    neonpanel = await startNeonPanel();
    const { secrets, mock } = secretsWith({ BROKER_VAULT_KEY: 'k1:keep-me' });
    const output = recordingOutput();
    await registerCommand({ issuer: neonpanel.url, domainName: 'mcp.example.test', authMethod: 'client_secret_post', secretName: SECRET, write: true, secrets, output });
    const put = mock.commandCalls(PutSecretValueCommand)[0]!.args[0].input;
    expect(put.SecretId).toBe(SECRET);
    expect(JSON.parse(put.SecretString!)).toEqual(expect.objectContaining({ BROKER_VAULT_KEY: 'k1:keep-me', NEONPANEL_CLIENT_ID: 'np-client-1', NEONPANEL_CLIENT_SECRET: 'np-secret-1' }));
    expect(neonpanel.seen[1]!.body).toEqual(expect.objectContaining({ token_endpoint_auth_method: 'client_secret_post' }));
    expect(output.all()).toContain('np-client-1');
    for (const secret of ['np-secret-1', 'np-rat-1']) expect(output.all()).not.toContain(secret);
  });

  it('refuses a public client, and reports NeonPanel\'s error code without its URL or body', async () => {
    neonpanel = await startNeonPanel(() => [201, { client_id: 'np-public' }]);
    const base = { domainName: 'mcp.example.test', authMethod: 'client_secret_basic' as const, secretName: SECRET, write: false, output: recordingOutput() };
    await expect(registerCommand({ ...base, issuer: neonpanel.url })).rejects.toThrow('a client without a client_secret');
    await neonpanel.close();
    neonpanel = await startNeonPanel(() => [400, { error: 'invalid_redirect_uri', error_description: 'internal detail at https://internal.example' }]);
    const failure = await registerCommand({ ...base, issuer: neonpanel.url }).catch((e: unknown) => e as OpsError);
    expect((failure as OpsError).message).toBe("NeonPanel's registration endpoint answered 400 (invalid_redirect_uri)");
    expect((failure as OpsError).message).not.toContain('127.0.0.1');
  });

  it('refuses an issuer that is not https (loopback aside)', async () => {
    await expect(registerCommand({ issuer: 'http://np.example.test', domainName: 'mcp.example.test', authMethod: 'client_secret_basic', secretName: SECRET, write: false, output: recordingOutput() }))
      .rejects.toThrow('--issuer must be an absolute https URL');
  });

  it('runs from the command line, exit 1 with one line when NeonPanel cannot be read', async () => {
    neonpanel = await startNeonPanel();
    const c = clients();
    const output = recordingOutput();
    const deps = { cfn: () => c.cfn, ecs: () => c.ecs, gate: () => Promise.resolve(scriptedGate()), runCdk: () => Promise.resolve(0), output };
    expect(await runCli(['register', '--issuer', neonpanel.url, '--domain', 'mcp.example.test'], deps)).toBe(0);
    expect(output.lines[0]).toBe('register: NeonPanel client np-client-1 registered for https://mcp.example.test/oauth/neonpanel/callback (client_secret_basic)');
    await neonpanel.close();
    neonpanel = undefined;
    const failed = recordingOutput();
    expect(await runCli(['register', '--issuer', 'http://127.0.0.1:9'], { ...deps, output: failed })).toBe(1);
    expect(failed.errors).toEqual(["register: NeonPanel's OpenID configuration could not be read (TypeError)"]);
  });
});

describe('keys', () => {
  it('makes a private ES256 JWK with kid, alg and use: sig that signs what its public half verifies', async () => {
    const jwk = await generateSigningKey();
    expect(jwk).toEqual(expect.objectContaining({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: expect.stringMatching(/^[\w-]{43}$/), d: expect.any(String) }));
    const { d: _private, ...publicJwk } = jwk;
    const jwt = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'ES256', kid: jwk.kid! }).sign(await importJWK(jwk as JWK, 'ES256'));
    await expect(jwtVerify(jwt, await importJWK(publicJwk, 'ES256'))).resolves.toBeDefined();
    expect((await generateSigningKey()).kid).not.toBe(jwk.kid);
  });

  it('makes a vault key <kid>:<base64url of 32 random bytes>', () => {
    const key = generateVaultKey(new Date('2026-12-08T00:00:00Z'));
    const [kid, material] = key.split(':');
    expect(kid).toMatch(/^20261208-[\w-]{4}$/);
    expect(Buffer.from(material!, 'base64url')).toHaveLength(32);
    expect(generateVaultKey()).not.toBe(generateVaultKey());
  });

  it('prints {"keys":[…]} and the vault key', async () => {
    const output = recordingOutput();
    await keysCommand({ secretName: SECRET, write: false, output });
    const printed = JSON.parse(output.lines.slice(1).join('\n')) as Record<string, string>;
    expect(JSON.parse(printed['BROKER_SIGNING_KEYS']!)).toEqual({ keys: [expect.objectContaining({ alg: 'ES256', use: 'sig', kid: expect.any(String), d: expect.any(String) })] });
    expect(printed['BROKER_VAULT_KEY']).toMatch(/^[\w-]+:[\w-]{43}$/);
  });

  it('with --write, creates the secret when missing and prints no key material', async () => {
    const { secrets, mock } = secretsWith();
    const output = recordingOutput();
    await keysCommand({ secretName: SECRET, write: true, secrets, output });
    const created = mock.commandCalls(CreateSecretCommand)[0]!.args[0].input;
    expect(created.Name).toBe(SECRET);
    const fields = JSON.parse(created.SecretString!) as Record<string, string>;
    expect(Object.keys(fields).sort()).toEqual(['BROKER_SIGNING_KEYS', 'BROKER_VAULT_KEY']);
    expect(output.all()).not.toContain(fields['BROKER_VAULT_KEY']!.split(':')[1]!);
    expect(output.all()).not.toContain((JSON.parse(fields['BROKER_SIGNING_KEYS']!) as { keys: { d: string }[] }).keys[0]!.d);
  });

  it('with --write, never overwrites keys already there (rotation has an order)', async () => {
    const { secrets, mock } = secretsWith({ NEONPANEL_CLIENT_ID: 'np', BROKER_VAULT_KEY: 'k1:old' });
    await expect(keysCommand({ secretName: SECRET, write: true, secrets, output: recordingOutput() })).rejects.toThrow(`Secret ${SECRET} already has BROKER_VAULT_KEY; not overwritten`);
    expect(mock.commandCalls(PutSecretValueCommand)).toEqual([]);
  });
});
