/**
 * The CLI's contract with CI and operators: exit codes, the closing line, and the
 * machine-readable outputs. Most tests call `main` in-process; one runs the CLI as a real
 * process, because the exit code is what CI actually sees.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { EXIT_FAILED, EXIT_PASSED, EXIT_UNREACHABLE, main, type CliIo } from '../src/cli.js';
import type { MatrixReport, RunMatrixOptions } from '../src/runner.js';
import { startFakeServer, type FakeServer } from './support/fakeServer.js';

const SUMMARY = /^(\d+) passed, (\d+) failed$/;

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
  files: Map<string, string>;
}

async function runCli(argv: string[], env: Record<string, string | undefined> = {}, run?: CliIo['run']): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const files = new Map<string, string>();
  const code = await main(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env,
    writeFile: (path, content) => files.set(path, content),
    ...(run ? { run } : {}),
  });
  return { code, stdout, stderr, files };
}

const lastLine = (text: string): string => text.trimEnd().split('\n').at(-1) ?? '';

/** A loopback port with nothing listening: connection refused. */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

let fake: FakeServer | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('exit codes and the closing line', () => {
  it('exits 0 when every case passes, and ends with "N passed, 0 failed"', async () => {
    fake = await startFakeServer();
    const out = await runCli(['--url', fake.url, '--timeout-ms', '3000']);
    expect(out.code).toBe(EXIT_PASSED);
    const match = SUMMARY.exec(lastLine(out.stdout));
    expect(match).not.toBeNull();
    expect(Number(match![1])).toBeGreaterThanOrEqual(19);
    expect(match![2]).toBe('0');
    expect(out.stdout).toContain('│ public');
    expect(out.stdout).not.toContain('FAIL');
  });

  it('exits 1 when a case fails, and counts it in the closing line', async () => {
    fake = await startFakeServer('metadata-wrong-resource');
    const out = await runCli(['--url', fake.url, '--timeout-ms', '3000']);
    expect(out.code).toBe(EXIT_FAILED);
    const match = SUMMARY.exec(lastLine(out.stdout));
    // The three challenge follow-ups and the metadata itself (the 2026-07-28 discover challenge follows it too).
    expect(match?.[2]).toBe('4');
    expect(out.stdout.split('\n').filter((l) => l.includes('FAIL'))).toHaveLength(4);
  });

  it('exits 2 when nothing listens on the port', async () => {
    const port = await closedPort();
    const out = await runCli(['--url', `http://127.0.0.1:${port}`, '--timeout-ms', '3000']);
    expect(out.code).toBe(EXIT_UNREACHABLE);
    expect(out.stdout).toContain(`The server at http://127.0.0.1:${port} could not be reached.`);
    expect(out.stdout).toContain('unreachable: ECONNREFUSED');
    expect(lastLine(out.stdout)).toMatch(/^0 passed, [1-9]\d* failed$/);
  });

  it('exits 2 with a usage message when no URL is given, and takes SERVER_URL otherwise', async () => {
    const missing = await runCli([]);
    expect(missing.code).toBe(EXIT_UNREACHABLE);
    expect(missing.stderr).toContain('Give the server URL with --url or SERVER_URL.');

    let seen: RunMatrixOptions | undefined;
    const stub = async (options: RunMatrixOptions): Promise<MatrixReport> => {
      seen = options;
      return { passed: 1, failed: 0, unreachable: false, results: [{ category: 'public', name: 'x', ok: true, expected: '200', got: '200' }] };
    };
    const fromEnv = await runCli([], { SERVER_URL: 'https://mcp.example.test', E2E_TOKEN: 'tok-from-env-abcdefgh' }, stub);
    expect(fromEnv.code).toBe(EXIT_PASSED);
    expect(seen).toMatchObject({ url: 'https://mcp.example.test', token: 'tok-from-env-abcdefgh' });
    expect(fromEnv.stdout + fromEnv.stderr).not.toContain('tok-from-env-abcdefgh');
  });

  it('rejects malformed options with exit 2 before running anything', async () => {
    for (const argv of [
      ['--url', 'not a url'],
      ['--url', 'http://127.0.0.1:1', '--timeout-ms', '0'],
      ['--url', 'http://127.0.0.1:1', '--read-tool-args', '[1]'],
      ['--url', 'http://127.0.0.1:1', '--bogus'],
    ]) {
      const out = await runCli(argv);
      expect({ argv, code: out.code }).toEqual({ argv, code: EXIT_UNREACHABLE });
      expect(out.stderr.length).toBeGreaterThan(0);
    }
  });

  it('accepts the literal "--" pnpm passes before the arguments', async () => {
    let seen: RunMatrixOptions | undefined;
    const stub = async (options: RunMatrixOptions): Promise<MatrixReport> => {
      seen = options;
      return { passed: 0, failed: 1, unreachable: false, results: [{ category: 'public', name: 'x', ok: false, expected: '200', got: '500' }] };
    };
    const out = await runCli(['--', '--url', 'https://mcp.example.test', '--read-tool', 'neonpanel_list_companies', '--read-tool-args', '{"page":1}'], {}, stub);
    expect(out.code).toBe(EXIT_FAILED);
    expect(seen).toMatchObject({ url: 'https://mcp.example.test', readTool: 'neonpanel_list_companies', readToolArguments: { page: 1 } });
  });
});

describe('machine-readable output', () => {
  it('--json prints the report alone on stdout and the closing line on stderr', async () => {
    fake = await startFakeServer('cors-without-authorization');
    const out = await runCli(['--url', fake.url, '--json', '--timeout-ms', '3000']);
    expect(out.code).toBe(EXIT_FAILED);
    const report = JSON.parse(out.stdout) as MatrixReport;
    // The five preflights that send Authorization (the 2026-07-28 one included).
    expect(report).toMatchObject({ unreachable: false, failed: 5, url: fake.url });
    expect(report.passed + report.failed).toBe(report.results.length);
    for (const r of report.results) {
      expect(Object.keys(r).sort()).toEqual(['category', 'durationMs', 'expected', 'got', 'name', 'ok']);
    }
    expect(lastLine(out.stderr)).toBe(`${report.passed} passed, 5 failed`);
  });

  it('--junit FILE writes one suite per category, one test case per result, a failure per failed case', async () => {
    fake = await startFakeServer('sse-without-auth');
    const out = await runCli(['--url', fake.url, '--junit', 'report.xml', '--json', '--timeout-ms', '3000']);
    const report = JSON.parse(out.stdout) as MatrixReport;
    const xml = out.files.get('report.xml');
    expect(xml).toBeDefined();
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml!) as {
      testsuites: { tests: string; failures: string; testsuite: Array<{ name: string; testcase: Array<Record<string, unknown>> | Record<string, unknown> }> };
    };
    const suites = doc.testsuites.testsuite;
    expect(suites.map((s) => s.name)).toEqual([...new Set([...report.results, ...(report.skipped ?? [])].map((r) => r.category))]);
    const cases = suites.flatMap((s) => (Array.isArray(s.testcase) ? s.testcase : [s.testcase]));
    expect(cases).toHaveLength(report.results.length + (report.skipped?.length ?? 0));
    const failed = cases.filter((c) => c['failure'] !== undefined);
    expect(failed).toHaveLength(report.failed);
    expect(Number(doc.testsuites.failures)).toBe(report.failed);
    const sse = failed.find((c) => c['name'] === 'GET /sse/' && c['classname'] === 'e2e.no-auth') as { failure: { message: string } } | undefined;
    expect(sse?.failure.message).toMatch(/^expected 401 json Bearer\(no error code\) body=invalid_token; got 200 text\/event-stream -- /);
    expect(cases.filter((c) => c['skipped'] !== undefined)).toHaveLength(report.skipped?.length ?? 0);
  });

  it('--junit writes to the real file system by default', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'e2e-junit-'));
    try {
      const file = join(dir, 'junit.xml');
      const port = await closedPort();
      const code = await main(['--url', `http://127.0.0.1:${port}`, '--junit', file], { stdout: () => {}, stderr: () => {}, env: {} });
      expect(code).toBe(EXIT_UNREACHABLE);
      expect(readFileSync(file, 'utf8')).toContain('type="unreachable"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('as a real process', () => {
  const cli = resolve(dirname(fileURLToPath(import.meta.url)), '../src/cli.ts');

  function spawnCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string }> {
    return new Promise((resolvePromise, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], {
        cwd: resolve(dirname(cli), '..'),
        env: { PATH: process.env['PATH'] ?? '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.once('error', reject);
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolvePromise({ code, stdout });
      });
    });
  }

  it('sets the process exit code: 0 against a correct server, 2 against a closed port', async () => {
    fake = await startFakeServer();
    const ok = await spawnCli([], { SERVER_URL: fake.url });
    expect(ok.code).toBe(0);
    expect(lastLine(ok.stdout)).toMatch(/^\d+ passed, 0 failed$/);

    const port = await closedPort();
    const down = await spawnCli(['--url', `http://127.0.0.1:${port}`]);
    expect(down.code).toBe(2);
  }, 60_000);
});
