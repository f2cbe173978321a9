/**
 * The canary handler: what it publishes and logs for a passing, a failing and an unreachable
 * run — with the e2e runner stubbed at its interface, and with the real runner against servers
 * on loopback — and for the runs that never reach the matrix. CloudWatch is aws-sdk-client-mock.
 */
import { CloudWatchClient, PutMetricDataCommand, type MetricDatum } from '@aws-sdk/client-cloudwatch';
import { runMatrix } from '@neonpanel-mcp/e2e';
import { mockClient } from 'aws-sdk-client-mock';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCanary, type CanaryRunSettings } from '../../src/canary/handler.js';
import { CANARY_METRICS, publishCanaryMetrics } from '../../src/canary/metrics.js';
import { canarySettingsFromEnv } from '../../src/canary/settings.js';
import { CANARY_CASE_EVENT, CANARY_VERDICT_EVENT, median, type CanaryVerdictRecord } from '../../src/canary/verdict.js';
import type { MatrixRunner, MatrixRunOptions } from '../../src/hook/matrix.js';
import { contextWith, startFakeServer, type FakeServer } from '../hook/support.js';

const NAMESPACE = 'NeonPanelMcp';
const AT = new Date('2026-12-08T02:00:00Z');

type Report = Awaited<ReturnType<MatrixRunner>>;
const result = (name: string, ok: boolean, durationMs: number) => ({ category: 'public', name, ok, expected: '200', got: ok ? '200' : '500', durationMs });

function harness(settings: Partial<CanaryRunSettings> & { url: string }, runner: MatrixRunner, readTokens?: () => Promise<{ token: string }>) {
  const cloudwatch = new CloudWatchClient({ region: 'eu-west-1' });
  const cloudwatchMock = mockClient(cloudwatch);
  cloudwatchMock.on(PutMetricDataCommand).resolves({});
  const lines: string[] = [];
  const canary = createCanary({ timeoutMs: 3_000, reserveMs: 1_000, ...settings }, {
    runMatrix: runner,
    ...(readTokens ? { readTokens } : {}),
    publish: (verdict) => publishCanaryMetrics(cloudwatch, NAMESPACE, verdict),
    log: (line) => lines.push(line),
    now: () => AT,
  });
  const published = (): Record<string, MetricDatum> => {
    const calls = cloudwatchMock.commandCalls(PutMetricDataCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input.Namespace).toBe(NAMESPACE);
    return Object.fromEntries((calls[0]!.args[0].input.MetricData ?? []).map((d) => [d.MetricName!, d]));
  };
  const records = () => lines.map((l) => JSON.parse(l) as { event: string });
  const verdictLine = () => {
    const found = records().filter((r) => r.event === CANARY_VERDICT_EVENT);
    expect(found).toHaveLength(1);
    return found[0] as CanaryVerdictRecord;
  };
  return { canary, cloudwatchMock, published, lines, records, verdictLine };
}

const stub = (report: Report | Error): MatrixRunner & { calls: MatrixRunOptions[] } => {
  const calls: MatrixRunOptions[] = [];
  const run = ((options: MatrixRunOptions) => {
    calls.push(options);
    return report instanceof Error ? Promise.reject(report) : Promise.resolve(report);
  }) as MatrixRunner & { calls: MatrixRunOptions[] };
  run.calls = calls;
  return run;
};

describe('with the runner stubbed at its interface', () => {
  it('a passing run publishes 0 cases failed and the p50 of its requests, and logs PASSED', async () => {
    const h = harness({ url: 'https://mcp.example.test' }, stub({
      passed: 3, failed: 0, unreachable: false, results: [result('a', true, 40), result('b', true, 10), result('c', true, 25)],
    }));
    await h.canary({}, contextWith(60_000));
    expect(h.published()).toEqual({
      [CANARY_METRICS.casesFailed]: { MetricName: 'CanaryCasesFailed', Value: 0, Unit: 'Count', Timestamp: AT },
      [CANARY_METRICS.latency]: { MetricName: 'CanaryLatency', Value: 25, Unit: 'Milliseconds', Timestamp: AT },
    });
    expect(h.verdictLine()).toEqual(expect.objectContaining({
      status: 'PASSED', reason: 'all 3 cases passed', url: 'https://mcp.example.test', at: AT.toISOString(), casesFailed: 0, latencyP50Ms: 25, failedCases: [],
    }));
  });

  it('a failing run publishes how many cases failed, and logs each of them in the hook\'s format', async () => {
    const h = harness({ url: 'https://mcp.example.test' }, stub({
      passed: 1, failed: 2, unreachable: false, results: [result('ok', true, 5), result('first', false, 7), result('second', false, 9)],
    }));
    await h.canary({}, contextWith(60_000));
    expect(h.published()[CANARY_METRICS.casesFailed]!.Value).toBe(2);
    expect(h.published()[CANARY_METRICS.latency]!.Value).toBe(7);
    const verdict = h.verdictLine();
    expect(verdict).toEqual(expect.objectContaining({ status: 'FAILED', reason: '2 of 3 cases failed', casesFailed: 2 }));
    expect(verdict.failedCases).toEqual(['[public] first: expected 200; got 500', '[public] second: expected 200; got 500']);
    expect(h.records().filter((r) => r.event === CANARY_CASE_EVENT)).toEqual(verdict.failedCases.map((c) => ({ event: CANARY_CASE_EVENT, outcome: 'FAIL', case: c, at: AT.toISOString() })));
  });

  it('an unreachable gateway counts every case as failed and publishes no latency', async () => {
    const h = harness({ url: 'https://mcp.example.test' }, stub({
      passed: 0, failed: 4, unreachable: true,
      results: ['a', 'b', 'c', 'd'].map((n) => ({ category: 'public', name: n, ok: false, expected: '200', got: 'unreachable: connection refused' })),
    }));
    await h.canary({}, contextWith(60_000));
    expect(h.published()).toEqual({ [CANARY_METRICS.casesFailed]: expect.objectContaining({ Value: 4 }) });
    expect(h.verdictLine()).toEqual(expect.objectContaining({ status: 'FAILED', unreachable: true, reason: 'the gateway did not answer (unreachable: connection refused)' }));
  });

  it('a run that checked nothing is red, never green', async () => {
    const h = harness({ url: 'https://mcp.example.test' }, stub({ passed: 0, failed: 0, unreachable: false, results: [] }));
    await h.canary();
    expect(h.published()[CANARY_METRICS.casesFailed]!.Value).toBe(1);
    expect(h.verdictLine().reason).toBe('no case ran');
  });

  it('a runner that throws, or a secret that cannot be read, is a red run that names why', async () => {
    const thrown = harness({ url: 'https://mcp.example.test' }, stub(new Error('socket hang up')));
    await thrown.canary();
    expect(thrown.published()[CANARY_METRICS.casesFailed]!.Value).toBe(1);
    expect(thrown.verdictLine().reason).toBe('the matrix could not run: socket hang up');

    const runner = stub({ passed: 3, failed: 0, unreachable: false, results: [] });
    const secret = harness({ url: 'https://mcp.example.test' }, runner, () => Promise.reject(new Error('AccessDeniedException')));
    await secret.canary();
    expect(runner.calls).toEqual([]);
    expect(secret.published()[CANARY_METRICS.casesFailed]!.Value).toBe(1);
    expect(secret.verdictLine().reason).toBe("could not read the real-token cases' token: AccessDeniedException");
  });

  it('runs the real-token cases on the secret\'s token and never logs it', async () => {
    const token = 'canary-secret-token-0123456789abcdef';
    const runner = stub({ passed: 0, failed: 1, unreachable: false, results: [{ category: 'real-token', name: 'x', ok: false, expected: '200', got: `401 echoed ${token}` }] });
    const h = harness({ url: 'https://mcp.example.test', readTool: 'neonpanel_companies_list' }, runner, () => Promise.resolve({ token }));
    await h.canary();
    expect(runner.calls).toEqual([{ url: 'https://mcp.example.test', timeoutMs: 3_000, token, readTool: 'neonpanel_companies_list' }]);
    expect(h.lines.join('\n')).toContain('[redacted]');
    expect(h.lines.join('\n')).not.toContain(token);
  });

  it('fails the invocation when the metrics cannot be published, after logging the verdict', async () => {
    const h = harness({ url: 'https://mcp.example.test' }, stub({ passed: 1, failed: 0, unreachable: false, results: [result('a', true, 1)] }));
    h.cloudwatchMock.on(PutMetricDataCommand).rejects(new Error('AccessDenied'));
    await expect(h.canary()).rejects.toThrow('AccessDenied');
    expect(h.verdictLine().status).toBe('PASSED');
  });
});

describe('with the real runner against servers on loopback', () => {
  let server: FakeServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('passes the correct server: 0 cases failed, a measured latency', async () => {
    server = await startFakeServer();
    const h = harness({ url: server.url }, runMatrix);
    await h.canary({}, contextWith(120_000));
    const verdict = h.verdictLine();
    if (verdict.status !== 'PASSED') throw new Error(`expected PASSED:\n${h.lines.join('\n')}`);
    expect(h.published()[CANARY_METRICS.casesFailed]!.Value).toBe(0);
    expect(h.published()[CANARY_METRICS.latency]!.Value).toBeGreaterThanOrEqual(0);
    expect(verdict.passed).toBeGreaterThan(20);
  }, 60_000);

  it('fails a server that serves /sse/ without auth, and names the case', async () => {
    server = await startFakeServer('sse-without-auth');
    const h = harness({ url: server.url }, runMatrix);
    await h.canary({}, contextWith(120_000));
    expect(h.published()[CANARY_METRICS.casesFailed]!.Value).toBeGreaterThan(0);
    expect(h.verdictLine().failedCases.join('\n')).toContain('[no-auth] GET /sse/: expected 401');
  }, 60_000);

  it('reports a closed port as unreachable', async () => {
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((r) => probe.close(() => r()));
    const h = harness({ url: `http://127.0.0.1:${String(port)}` }, runMatrix);
    await h.canary({}, contextWith(60_000));
    expect(h.verdictLine()).toEqual(expect.objectContaining({ status: 'FAILED', unreachable: true }));
    expect(h.published()[CANARY_METRICS.casesFailed]!.Value).toBeGreaterThan(20);
    expect(h.published()).not.toHaveProperty(CANARY_METRICS.latency);
  }, 60_000);
});

describe('settings and helpers', () => {
  it('needs the namespace and the hook\'s URL, naming the variable that is missing', () => {
    expect(() => canarySettingsFromEnv({ GATE_URL: 'https://mcp.example.test' })).toThrow('CANARY_METRICS_NAMESPACE is required');
    expect(() => canarySettingsFromEnv({ CANARY_METRICS_NAMESPACE: NAMESPACE })).toThrow('GATE_URL is required');
    expect(canarySettingsFromEnv({ GATE_URL: 'https://mcp.example.test', CANARY_METRICS_NAMESPACE: NAMESPACE, GATE_TIMEOUT_MS: '2000' }))
      .toEqual(expect.objectContaining({ url: 'https://mcp.example.test', namespace: NAMESPACE, timeoutMs: 2_000, tokenSecretArn: undefined }));
  });

  it('takes the median by nearest rank', () => {
    expect(median([])).toBeUndefined();
    expect(median([5])).toBe(5);
    expect(median([9, 1, 5, 3])).toBe(3);
    expect(median([9, 1, 5])).toBe(5);
  });
});
