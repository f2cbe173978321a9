/**
 * The hook's edges with a scripted runner: events it cannot use, the wrong stage, the secret
 * failing, the function's own deadline, a runner that throws. None of them may pass the gate.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { parseHookEvent } from '../../src/hook/contract.js';
import { createReleaseHook } from '../../src/hook/handler.js';
import type { MatrixRunner, MatrixRunOptions } from '../../src/hook/matrix.js';
import { hookSettingsFromEnv } from '../../src/hook/settings.js';
import { parseTokenSecret, readGateTokens } from '../../src/hook/tokens.js';
import { contextWith, hookEvent, recordingLog, settingsFor } from './support.js';

const URL = 'https://mcp.neonpanel.com';
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:neonpanel-mcp/release-gate-AbCdEf';

function scriptedRunner(report?: Awaited<ReturnType<MatrixRunner>> | Error | 'hang'): MatrixRunner & { calls: MatrixRunOptions[] } {
  const calls: MatrixRunOptions[] = [];
  const run = ((options: MatrixRunOptions) => {
    calls.push(options);
    if (report === 'hang') return new Promise(() => undefined);
    if (report instanceof Error) return Promise.reject(report);
    return Promise.resolve(report ?? { passed: 30, failed: 0, unreachable: false, results: [] });
  }) as MatrixRunner & { calls: MatrixRunOptions[] };
  run.calls = calls;
  return run;
}

describe('events the hook cannot use', () => {
  it.each([
    ['not an object', 'x', 'the event is not an object'],
    ['no executionId', { ...hookEvent(), executionId: undefined }, 'the event has no executionId'],
    ['no executionDetails', { ...hookEvent(), executionDetails: null }, 'the event has no executionDetails'],
    ['no target revision', { ...hookEvent(), executionDetails: { serviceArn: 's' } }, 'executionDetails has no targetServiceRevisionArn'],
  ])('%s: FAILED without running the matrix', async (_label, event, message) => {
    expect(parseHookEvent(event)).toBe(message);
    const runner = scriptedRunner();
    const log = recordingLog();
    expect(await createReleaseHook(settingsFor(URL), { runMatrix: runner, log: log.log })(event)).toEqual({ hookStatus: 'FAILED' });
    expect(runner.calls).toEqual([]);
    expect(log.text()).toContain(message);
  });

  it('FAILED at any stage but POST_TEST_TRAFFIC_SHIFT', async () => {
    const runner = scriptedRunner();
    const log = recordingLog();
    const response = await createReleaseHook(settingsFor(URL), { runMatrix: runner, log: log.log })(hookEvent({ lifecycleStage: 'PRODUCTION_TRAFFIC_SHIFT' }));
    expect(response).toEqual({ hookStatus: 'FAILED' });
    expect(runner.calls).toEqual([]);
    expect(log.verdict().reason).toContain('invoked at PRODUCTION_TRAFFIC_SHIFT; this hook gates at POST_TEST_TRAFFIC_SHIFT only');
  });
});

describe('the verdict', () => {
  it('SUCCEEDED only when cases ran and none failed', async () => {
    const log = recordingLog();
    const runner = scriptedRunner({ passed: 0, failed: 0, unreachable: false, results: [] });
    expect(await createReleaseHook(settingsFor(URL), { runMatrix: runner, log: log.log })(hookEvent())).toEqual({ hookStatus: 'FAILED' });
    expect(log.verdict().reason).toBe('no case ran');
  });

  it('runs the matrix against the configured URL with the per-request limit, and no token when none is configured', async () => {
    const runner = scriptedRunner();
    await createReleaseHook(settingsFor(URL, { timeoutMs: 4_000, readTool: 'neonpanel_whoami' }), { runMatrix: runner, log: () => undefined })(hookEvent());
    expect(runner.calls).toEqual([{ url: URL, timeoutMs: 4_000, readTool: 'neonpanel_whoami' }]);
  });

  it('FAILED, naming the cause, when the runner throws', async () => {
    const log = recordingLog();
    const response = await createReleaseHook(settingsFor(URL), { runMatrix: scriptedRunner(new TypeError('Not an absolute URL')), log: log.log })(hookEvent());
    expect(response).toEqual({ hookStatus: 'FAILED' });
    expect(log.verdict().reason).toBe('the matrix could not run: Not an absolute URL');
  });

  it('FAILED before the function\'s own deadline when the matrix does not finish', async () => {
    const log = recordingLog();
    const started = Date.now();
    const response = await createReleaseHook(settingsFor(URL, { reserveMs: 100 }), { runMatrix: scriptedRunner('hang'), log: log.log })(hookEvent(), contextWith(400));
    expect(response).toEqual({ hookStatus: 'FAILED' });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(log.verdict().reason).toMatch(/^the matrix did not finish within \d+ s, before the function's own deadline$/);
  });
});

describe('tokens from Secrets Manager', () => {
  it('reads the token and the limited token from a JSON secret and hands both to the runner', async () => {
    const secrets = new SecretsManagerClient({ region: 'eu-west-1' });
    mockClient(secrets).on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({ SecretString: '{"token":"tok-aaaaaaaaaaaaaaaaaaaa","limitedToken":"lim-bbbbbbbbbbbbbbbbbbbb"}' });
    const runner = scriptedRunner();
    const hook = createReleaseHook(settingsFor(URL, { scopeProbeTool: 'neonpanel_import_pdf' }), {
      runMatrix: runner, readTokens: () => readGateTokens(secrets, SECRET_ARN), log: () => undefined,
    });
    expect(await hook(hookEvent())).toEqual({ hookStatus: 'SUCCEEDED' });
    expect(runner.calls[0]).toEqual(expect.objectContaining({ token: 'tok-aaaaaaaaaaaaaaaaaaaa', limitedToken: 'lim-bbbbbbbbbbbbbbbbbbbb', scopeProbeTool: 'neonpanel_import_pdf' }));
  });

  it('tells the runner the gateway\'s auth mode, so a broker gateway is checked as one', async () => {
    const runner = scriptedRunner();
    const hook = createReleaseHook(settingsFor(URL, { authMode: 'broker' }), { runMatrix: runner, log: () => undefined });
    expect(await hook(hookEvent())).toEqual({ hookStatus: 'SUCCEEDED' });
    expect(runner.calls[0]).toEqual(expect.objectContaining({ authMode: 'broker' }));
  });

  it('FAILED, without running the matrix, when the secret cannot be read; the log names the call, not a value', async () => {
    const secrets = new SecretsManagerClient({ region: 'eu-west-1' });
    mockClient(secrets).on(GetSecretValueCommand).rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }));
    const runner = scriptedRunner();
    const log = recordingLog();
    const hook = createReleaseHook(settingsFor(URL), { runMatrix: runner, readTokens: () => readGateTokens(secrets, SECRET_ARN), log: log.log });
    expect(await hook(hookEvent())).toEqual({ hookStatus: 'FAILED' });
    expect(runner.calls).toEqual([]);
    expect(log.verdict().reason).toBe(`could not read the real-token cases' token: GetSecretValue(${SECRET_ARN}) failed: AccessDeniedException: User is not authorized`);
  });

  it('accepts a bare token or JSON, and refuses anything else without echoing it', () => {
    expect(parseTokenSecret(' eyJhbGciOi.payload.sig \n')).toEqual({ token: 'eyJhbGciOi.payload.sig' });
    expect(parseTokenSecret('{"token":"a"}')).toEqual({ token: 'a' });
    expect(() => parseTokenSecret('{"token":')).toThrow('the secret looks like JSON but does not parse');
    expect(() => parseTokenSecret('{"access_token":"leaky-value"}')).toThrow(/^the secret's JSON has no "token" string$/);
    expect(() => parseTokenSecret('two words')).toThrow('the secret is neither a token nor JSON with a "token"');
    expect(() => parseTokenSecret('{"token":"a","limitedToken":""}')).toThrow('"limitedToken" must be a non-empty string');
  });
});

describe('settings from the Lambda environment', () => {
  it('reads the gateway\'s auth mode', () => {
    expect(hookSettingsFromEnv({ GATE_URL: URL, GATE_AUTH_MODE: 'broker' })).toEqual(expect.objectContaining({ authMode: 'broker' }));
  });

  it('has defaults for everything but the URL', () => {
    expect(hookSettingsFromEnv({ GATE_URL: URL })).toEqual({ url: URL, timeoutMs: 5_000, maxAttempts: 4, retryDelaySeconds: 30, reserveMs: 10_000, tokenSecretArn: undefined });
  });

  it.each([
    [{}, 'GATE_URL is required'],
    [{ GATE_URL: 'mcp.neonpanel.com' }, 'GATE_URL must be an absolute http(s) URL'],
    [{ GATE_URL: URL, GATE_MAX_ATTEMPTS: '0' }, 'GATE_MAX_ATTEMPTS must be an integer between 1 and 20, got "0"'],
    [{ GATE_URL: URL, GATE_TIMEOUT_MS: 'soon' }, 'GATE_TIMEOUT_MS must be an integer'],
    [{ GATE_URL: URL, GATE_AUTH_MODE: 'proxy' }, 'GATE_AUTH_MODE must be broker or direct, got "proxy"'],
  ])('refuses %j naming the variable', (env, message) => {
    expect(() => hookSettingsFromEnv(env)).toThrow(message);
  });
});
