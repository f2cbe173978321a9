/**
 * The Lambda bundle itself (what `pnpm build` puts in dist/release-hook): built here into a
 * temporary directory with the same script, then run in its own Node process the way Lambda
 * loads it (`index.handler`, settings from the environment), against a broken server and the
 * correct one.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { hookEvent, startFakeServer, type FakeServer } from './support.js';

const packageDir = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
let outdir: string;
let server: FakeServer | undefined;

beforeAll(() => {
  outdir = mkdtempSync(path.join(tmpdir(), 'release-hook-'));
  const built = spawnSync(process.execPath, [path.join(packageDir, 'scripts/bundle-release-hook.mjs'), outdir], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`bundling failed: ${built.stderr}`);
}, 60_000);
afterAll(() => rmSync(outdir, { recursive: true, force: true }));
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Invokes the bundle's handler once, in a child process, and returns its answer and its log. */
async function invokeBundle(env: Record<string, string>): Promise<{ response: unknown; log: string[] }> {
  const script = `
    const { handler } = await import(${JSON.stringify(pathToFileURL(path.join(outdir, 'index.mjs')).href)});
    const lines = [];
    console.log = (line) => lines.push(line);
    const response = await handler(${JSON.stringify(hookEvent())}, { getRemainingTimeInMillis: () => 120000 });
    process.stdout.write(JSON.stringify({ response, log: lines }));`;
  const { spawn } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: process.env['PATH'] ?? '', AWS_REGION: 'eu-west-1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the bundle exited ${String(code)}: ${err}`));
      else resolve(JSON.parse(out) as { response: unknown; log: string[] });
    });
  });
}

it('is one self-contained ES module', () => {
  expect(existsSync(path.join(outdir, 'index.mjs'))).toBe(true);
});

it('fails a server without auth on /sse/ and names the case', async () => {
  server = await startFakeServer('sse-without-auth');
  const { response, log } = await invokeBundle({ GATE_URL: server.url, GATE_TIMEOUT_MS: '3000' });
  expect(response).toEqual({ hookStatus: 'FAILED' });
  expect(log.join('\n')).toContain('[no-auth] GET /sse/: expected 401');
}, 60_000);

it('passes the correct server', async () => {
  server = await startFakeServer();
  const { response } = await invokeBundle({ GATE_URL: server.url, GATE_TIMEOUT_MS: '3000' });
  expect(response).toEqual({ hookStatus: 'SUCCEEDED' });
}, 60_000);

it('exports the canary entry beside the hook\'s, each built on first use from its own function\'s environment', () => {
  const script = `
    const bundle = await import(${JSON.stringify(pathToFileURL(path.join(outdir, 'index.mjs')).href)});
    let missing;
    try { await bundle.canary({}); } catch (error) { missing = error.message; }
    process.stdout.write(JSON.stringify({ handler: typeof bundle.handler, canary: typeof bundle.canary, missing }));`;
  // No variables at all: importing must not need them; the canary's first run names the one it lacks.
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: { PATH: process.env['PATH'] ?? '' }, encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(JSON.parse(run.stdout)).toEqual({ handler: 'function', canary: 'function', missing: expect.stringContaining('CANARY_METRICS_NAMESPACE is required') });
});
