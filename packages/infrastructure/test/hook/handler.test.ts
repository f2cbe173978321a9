/**
 * The release hook, run locally with the real e2e runner: against the production build it
 * passes, against each deliberately broken server it fails and names the cases, and a green
 * that does not answer is never a pass. Tokens come from Secrets Manager (mocked) and never
 * reach the logs.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { MATRIX, runMatrix } from '@neonpanel-mcp/e2e';
import { mockClient } from 'aws-sdk-client-mock';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createReleaseHook } from '../../src/hook/handler.js';
import { readGateTokens } from '../../src/hook/tokens.js';
import {
  contextWith, DEPLOYMENT_ARN, GREEN_REVISION_ARN, hookEvent, recordingLog, settingsFor, startFakeServer, startRealServer,
  type FakeServer, type Flaw, type RealServer,
} from './support.js';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:neonpanel-mcp/release-gate-AbCdEf';
const ALL_SCOPES = 'read:inventory read:analytics read:companies read:reports read:warehouses read:revenue read:cogs read:landed-cost write:import';

describe('against the production build on loopback', () => {
  let server: RealServer;
  beforeAll(async () => {
    server = await startRealServer();
  }, 30_000);
  afterAll(async () => {
    await server?.stop();
  });

  /** A tool that needs a scope, from the server's own capabilities document. */
  async function scopedTool(): Promise<{ name: string; scope: string }> {
    const response = await fetch(`${server.url}/mcp/capabilities`, { signal: AbortSignal.timeout(5_000) });
    const doc = (await response.json()) as { tools?: Array<{ name: string; requiredScope?: string | null }> };
    const tool = doc.tools?.find((t) => typeof t.requiredScope === 'string');
    if (!tool) throw new Error('the server advertises no scoped tool');
    return { name: tool.name, scope: tool.requiredScope as string };
  }

  it('reports SUCCEEDED, every case run, the real-token ones on tokens read from Secrets Manager', async () => {
    const token = await server.token({ scope: ALL_SCOPES });
    const probe = await scopedTool();
    const limitedToken = await server.token({ scope: ALL_SCOPES.split(' ').filter((s) => s !== probe.scope).join(' ') });
    const secrets = new SecretsManagerClient({ region: 'eu-west-1' });
    const secretsMock = mockClient(secrets);
    secretsMock.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({ SecretString: JSON.stringify({ token, limitedToken }) });
    const log = recordingLog();
    const hook = createReleaseHook(settingsFor(server.url, { scopeProbeTool: probe.name }), {
      runMatrix, readTokens: () => readGateTokens(secrets, SECRET_ARN), log: log.log,
    });

    const response = await hook(hookEvent(), contextWith(120_000));

    const verdict = log.verdict();
    if (response.hookStatus !== 'SUCCEEDED') throw new Error(`expected SUCCEEDED:\n${log.text()}\n--- server ---\n${server.output()}`);
    expect(response).toEqual({ hookStatus: 'SUCCEEDED' });
    expect(verdict).toEqual(expect.objectContaining({
      hookStatus: 'SUCCEEDED', failed: 0, failedCases: [], serviceDeploymentArn: DEPLOYMENT_ARN, targetServiceRevisionArn: GREEN_REVISION_ARN, attempt: 1,
    }));
    // The real-token and scope cases ran on the secret's tokens; only the broker cases are left
    // out, because this gateway runs direct mode (the hook was not told AUTH_MODE=broker).
    const brokerCases = MATRIX.filter((c) => c.requires?.includes('broker')).map((c) => `[${c.category}] ${c.name}`);
    expect(brokerCases.length).toBeGreaterThan(0);
    expect(verdict.skipped).toEqual(brokerCases);
    expect(verdict.passed).toBe(MATRIX.length - brokerCases.length);
    expect(secretsMock.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    for (const secret of [token, limitedToken]) {
      expect(log.text()).not.toContain(secret);
      for (const part of secret.split('.')) expect(log.text()).not.toContain(part);
    }
  }, 90_000);

  it('runs only the token-less cases, and passes, when no secret is configured', async () => {
    const log = recordingLog();
    const response = await createReleaseHook(settingsFor(server.url), { runMatrix, log: log.log })(hookEvent(), contextWith(120_000));
    expect(response).toEqual({ hookStatus: 'SUCCEEDED' });
    expect(log.verdict().skipped.length).toBe(MATRIX.filter((c) => c.requires?.length).length);
    expect(log.verdict().passed).toBe(MATRIX.filter((c) => !c.requires?.length).length);
  }, 60_000);
});

describe('against the deliberately broken servers', () => {
  let server: FakeServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  /** Each flaw, and cases it must fail (the e2e package's own test pins the full lists). */
  const flaws: [Flaw, string[]][] = [
    ['sse-without-auth', ['[no-auth] GET /sse/', '[invalid-auth-format] GET /sse/ with Basic']],
    ['cors-without-authorization', ['[cors] preflight OPTIONS /sse/ for GET with Authorization']],
    ['format-only-token-check', ['[forged-token] alg none on POST /mcp', '[bearer-scheme-case] POST /mcp/tools/call with bearer test-token-123']],
    ['wrong-challenge', ['[no-auth] GET /sse/']],
  ];

  it.each(flaws)('%s: reports FAILED and names the failed cases in its log', async (flaw, mustFail) => {
    server = await startFakeServer(flaw);
    const log = recordingLog();
    const hook = createReleaseHook(settingsFor(server.url), { runMatrix, log: log.log });

    const response = await hook(hookEvent(), contextWith(120_000));

    expect(response).toEqual({ hookStatus: 'FAILED' });
    const verdict = log.verdict();
    expect(verdict.hookStatus).toBe('FAILED');
    expect(verdict.failed).toBeGreaterThan(0);
    expect(verdict.failedCases).toHaveLength(verdict.failed);
    expect(verdict.reason).toBe(`${String(verdict.failed)} of ${String(verdict.passed + verdict.failed)} cases failed`);
    const named = verdict.failedCases.map((c) => c.slice(0, c.indexOf(':')));
    for (const name of mustFail) expect(named).toContain(name);
    // One log line per failed case as well, for a person reading the log group.
    const caseLines = log.lines.map((l) => JSON.parse(l) as { event: string; case?: string }).filter((r) => r.event === 'release-gate-case');
    expect(caseLines.map((r) => r.case)).toEqual(verdict.failedCases);
  }, 60_000);

  it('passes the same way against the correct fake, so each failure above is the flaw\'s', async () => {
    server = await startFakeServer();
    const log = recordingLog();
    const response = await createReleaseHook(settingsFor(server.url), { runMatrix, log: log.log })(hookEvent(), contextWith(120_000));
    expect(response).toEqual({ hookStatus: 'SUCCEEDED' });
    expect(log.verdict().failedCases).toEqual([]);
  }, 60_000);

  it('never logs the token, even from a server that echoes credentials into its answers', async () => {
    server = await startFakeServer('echoes-credentials');
    const token = 'release-gate-secret-token-0123456789abcdef';
    const log = recordingLog();
    const hook = createReleaseHook(settingsFor(server.url), {
      runMatrix,
      readTokens: () => Promise.resolve({ token }),
      log: log.log,
    });
    const response = await hook(hookEvent(), contextWith(120_000));
    expect(response.hookStatus).toBe('FAILED');
    // The echo reached the verdicts (redacted), so the test really exercised the path.
    expect(log.text()).toContain('[redacted]');
    expect(log.text()).not.toContain(token);
  }, 60_000);
});

describe('when green does not answer', () => {
  async function closedPortUrl(): Promise<string> {
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((r) => probe.close(() => r()));
    return `http://127.0.0.1:${String(port)}`;
  }

  it('asks ECS to call again (IN_PROGRESS, with the attempt count) while attempts remain, never SUCCEEDED', async () => {
    const log = recordingLog();
    const hook = createReleaseHook(settingsFor(await closedPortUrl(), { maxAttempts: 3, retryDelaySeconds: 20 }), { runMatrix, log: log.log });
    const response = await hook(hookEvent({ hookDetails: { gateAttempts: 1 } }), contextWith(60_000));
    expect(response).toEqual({ hookStatus: 'IN_PROGRESS', callBackDelay: 20, hookDetails: { gateAttempts: 2 } });
    expect(log.verdict().reason).toMatch(/^the green revision did not answer \(unreachable: .+\); trying again in 20 s \(attempt 2 of 3\)$/);
  });

  it('reports FAILED on the last attempt', async () => {
    const log = recordingLog();
    const hook = createReleaseHook(settingsFor(await closedPortUrl(), { maxAttempts: 3 }), { runMatrix, log: log.log });
    const response = await hook(hookEvent({ hookDetails: { gateAttempts: 2 } }), contextWith(60_000));
    expect(response).toEqual({ hookStatus: 'FAILED' });
    expect(log.verdict()).toEqual(expect.objectContaining({ hookStatus: 'FAILED', attempt: 3, passed: 0 }));
    expect(log.verdict().reason).toMatch(/^the green revision did not answer after 3 attempt\(s\)/);
  });

  it('reports FAILED when a single attempt is allowed', async () => {
    const log = recordingLog();
    const response = await createReleaseHook(settingsFor(await closedPortUrl(), { maxAttempts: 1 }), { runMatrix, log: log.log })(hookEvent());
    expect(response).toEqual({ hookStatus: 'FAILED' });
  });
});
