/**
 * The gate's broker grant: a refresh token in the gate secret, redeemed at the gateway's own
 * token endpoint (from its RFC 8414 metadata), the rotated one written back before the matrix
 * runs. Against a stand-in gateway on loopback; Secrets Manager is aws-sdk-client-mock.
 */
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createReleaseHook } from '../../src/hook/handler.js';
import { readGateTokens } from '../../src/hook/tokens.js';
import { contextWith, hookEvent, recordingLog, settingsFor } from './support.js';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:neonpanel-mcp/release-gate-AbCdEf';

interface Gateway { url: string; forms: URLSearchParams[]; close(): Promise<void> }

/** Our authorization server as the hook sees it: metadata, and a token endpoint that rotates. */
async function startGateway(token: (form: URLSearchParams) => [number, unknown], tokenEndpoint?: (base: string) => string): Promise<Gateway> {
  const forms: URLSearchParams[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const base = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
      res.setHeader('Content-Type', 'application/json');
      if (req.url === '/.well-known/oauth-authorization-server') {
        res.end(JSON.stringify({ issuer: base, token_endpoint: tokenEndpoint ? tokenEndpoint(base) : `${base}/token` }));
      } else if (req.method === 'POST' && req.url === '/token' && req.headers['content-type'] === 'application/x-www-form-urlencoded') {
        const form = new URLSearchParams(raw);
        forms.push(form);
        const [status, body] = token(form);
        res.statusCode = status;
        res.end(JSON.stringify(body));
      } else {
        res.statusCode = 404;
        res.end('{}');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`, forms, close: () => new Promise<void>((r) => server.close(() => r())) };
}

function secretHolding(value: object) {
  const secrets = new SecretsManagerClient({ region: 'eu-west-1' });
  const mock = mockClient(secrets);
  mock.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({ SecretString: JSON.stringify(value) });
  mock.on(PutSecretValueCommand).resolves({});
  return { secrets, mock };
}

let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

const rotating = (form: URLSearchParams): [number, unknown] => form.get('refresh_token') === 'rt-1'
  ? [200, { access_token: 'at-from-rt-1', token_type: 'Bearer', expires_in: 900, refresh_token: 'rt-2' }]
  : [400, { error: 'invalid_grant' }];

it('redeems the refresh token as a public client, returns the access token and writes the rotated refresh token back', async () => {
  gateway = await startGateway(rotating);
  const { secrets, mock } = secretHolding({ refreshToken: 'rt-1', clientId: 'gate-client' });
  const tokens = await readGateTokens(secrets, SECRET_ARN, { gatewayUrl: gateway.url, timeoutMs: 3_000 });
  expect(tokens).toEqual({ token: 'at-from-rt-1' });
  expect(Object.fromEntries(gateway.forms[0]!)).toEqual({ grant_type: 'refresh_token', refresh_token: 'rt-1', client_id: 'gate-client' });
  const put = mock.commandCalls(PutSecretValueCommand);
  expect(put).toHaveLength(1);
  expect(put[0]!.args[0].input).toEqual({ SecretId: SECRET_ARN, SecretString: JSON.stringify({ refreshToken: 'rt-2', clientId: 'gate-client' }) });
});

it('writes nothing when the server does not rotate', async () => {
  gateway = await startGateway(() => [200, { access_token: 'at', token_type: 'Bearer' }]);
  const { secrets, mock } = secretHolding({ refreshToken: 'rt-1', clientId: 'gate-client' });
  await readGateTokens(secrets, SECRET_ARN, { gatewayUrl: gateway.url, timeoutMs: 3_000 });
  expect(mock.commandCalls(PutSecretValueCommand)).toEqual([]);
});

it('says the grant is gone on invalid_grant, naming no token', async () => {
  gateway = await startGateway(rotating);
  const { secrets } = secretHolding({ refreshToken: 'rt-replayed', clientId: 'gate-client' });
  const error = (await readGateTokens(secrets, SECRET_ARN, { gatewayUrl: gateway.url, timeoutMs: 3_000 }).catch((e: unknown) => e)) as Error;
  expect(error.message).toMatch(/^secret .+: the gateway's token endpoint answered 400 \(invalid_grant\): the gate's grant is gone/);
  expect(error.message).not.toContain('rt-replayed');
});

it('fails, and says the grant is lost, when the rotated token cannot be stored', async () => {
  gateway = await startGateway(rotating);
  const { secrets, mock } = secretHolding({ refreshToken: 'rt-1', clientId: 'gate-client' });
  mock.on(PutSecretValueCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
  const error = (await readGateTokens(secrets, SECRET_ARN, { gatewayUrl: gateway.url, timeoutMs: 3_000 }).catch((e: unknown) => e)) as Error;
  expect(error.message).toContain('could not store the rotated refresh token (PutSecretValue: AccessDeniedException); the grant is lost');
  expect(error.message).not.toMatch(/rt-2|at-from-rt-1/);
});

it('never sends the refresh token to a token endpoint off the gateway\'s origin', async () => {
  const elsewhere = await startGateway(rotating);
  gateway = await startGateway(rotating, () => `${elsewhere.url}/token`);
  try {
    const { secrets } = secretHolding({ refreshToken: 'rt-1', clientId: 'gate-client' });
    await expect(readGateTokens(secrets, SECRET_ARN, { gatewayUrl: gateway.url, timeoutMs: 3_000 })).rejects.toThrow("no token_endpoint on its own origin");
    expect(elsewhere.forms).toEqual([]);
  } finally {
    await elsewhere.close();
  }
});

it('refuses a grant without its client id, and a grant where nothing can redeem it', async () => {
  await expect(readGateTokens(secretHolding({ refreshToken: 'rt-1' }).secrets, SECRET_ARN, { gatewayUrl: 'https://mcp.example.test', timeoutMs: 1_000 }))
    .rejects.toThrow('the secret has a "refreshToken" but no "clientId" string');
  await expect(readGateTokens(secretHolding({ refreshToken: 'rt-1', clientId: 'c' }).secrets, SECRET_ARN)).rejects.toThrow('cannot redeem one');
});

it('still reads the token forms as before', async () => {
  expect(await readGateTokens(secretHolding({ token: 'static', limitedToken: 'limited' }).secrets, SECRET_ARN, { gatewayUrl: 'https://mcp.example.test', timeoutMs: 1_000 }))
    .toEqual({ token: 'static', limitedToken: 'limited' });
});

describe('when the gateway does not answer the redemption', () => {
  const closedPort = async (): Promise<string> => {
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((r) => probe.close(() => r()));
    return `http://127.0.0.1:${String(port)}`;
  };

  it('the release hook retries, as for any unreachable green, instead of failing on the secret', async () => {
    const url = await closedPort();
    const { secrets, mock } = secretHolding({ refreshToken: 'rt-1', clientId: 'gate-client' });
    const log = recordingLog();
    const hook = createReleaseHook(settingsFor(url, { maxAttempts: 3, retryDelaySeconds: 20 }), {
      runMatrix: () => Promise.reject(new Error('the matrix must not run without a token')),
      readTokens: () => readGateTokens(secrets, SECRET_ARN, { gatewayUrl: url, timeoutMs: 1_000 }),
      log: log.log,
    });
    expect(await hook(hookEvent(), contextWith(60_000))).toEqual({ hookStatus: 'IN_PROGRESS', callBackDelay: 20, hookDetails: { gateAttempts: 1 } });
    expect(log.verdict().reason).toMatch(/^the green revision did not answer \(unreachable: secret .+: the gateway's authorization server metadata did not answer \(TypeError\)\); trying again in 20 s/);
    expect(mock.commandCalls(PutSecretValueCommand)).toEqual([]);
  });
});
