/**
 * Runs the production bundle the way the image would, without Docker: the Dockerfile's own
 * `pnpm deploy --prod` step into a temporary directory (the image's WORKDIR), then the
 * Dockerfile's CMD there, with the image's ENV and the environment the stack gives the
 * container. Only PORT (a free one) and the URLs (127.0.0.1 dummies) differ.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveConfig } from '../lib/config.js';
import { containerEnvironment } from '../lib/environment.js';
import { repositoryRoot } from '../lib/paths.js';
import { cmdScript, finalStage, parseDockerfile } from './support/dockerfile.js';

const root = repositoryRoot();
const stages = parseDockerfile();
const runtime = finalStage(stages);
const STARTUP_DEADLINE_MS = 20_000;

let workdir: string;
let child: ChildProcess | undefined;
let exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
let port: number;
let stderr = '';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port: p } = server.address() as net.AddressInfo;
      server.close(() => resolve(p));
    });
  });
}

/** The build stage's deploy command, with the image's /out replaced by our directory. */
function deployCommand(outDir: string): string[] {
  const build = stages.find((s) => s.name === 'build');
  const run = build?.instructions.find((i) => i.getKeyword() === 'RUN' && / deploy /.test(i.getArgumentsContent() ?? ''));
  const args = run?.getArguments().map((a) => a.getValue());
  if (!args || args[0] !== 'pnpm' || args.at(-1) !== '/out') throw new Error('The Dockerfile has no `pnpm … deploy … /out` step');
  return [...args.slice(1, -1), outDir];
}

async function getHealth(deadline: number): Promise<{ status: number; body: string }> {
  let last: unknown;
  while (Date.now() < deadline) {
    if (child?.exitCode !== null) throw new Error(`the server exited (${String(child?.exitCode)}): ${stderr.slice(0, 500)}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2_000) });
      return { status: response.status, body: await response.text() };
    } catch (error) {
      last = error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`no answer from /healthz within ${STARTUP_DEADLINE_MS} ms: ${String(last)}; stderr: ${stderr.slice(0, 500)}`);
}

beforeAll(async () => {
  const script = cmdScript(runtime.cmd?.args ?? []);
  if (!script || !existsSync(path.join(root, 'packages/server', script))) {
    throw new Error(`packages/server/${String(script)} is missing: build the server first (pnpm --filter @neonpanel-mcp/server build, or the root pnpm test).`);
  }
  workdir = mkdtempSync(path.join(tmpdir(), 'gateway-image-'));
  const appDir = path.join(workdir, 'app');
  const deploy = spawnSync('pnpm', deployCommand(appDir), { cwd: root, encoding: 'utf8', timeout: 120_000 });
  if (deploy.status !== 0) throw new Error(`pnpm deploy failed (${String(deploy.status)}): ${deploy.stderr || deploy.stdout}`);

  port = await freePort();
  const dummy = 'https://127.0.0.1:9';
  // Direct mode: broker mode needs the keys and the NeonPanel client from its secret, which
  // this process-level check of the image's layout and start-up does not have.
  const config = resolveConfig({ hostedZoneId: 'Z0123456789EXAMPLE', authMode: 'direct', oauthIssuer: dummy, oauthJwksUri: `${dummy}/jwks` });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    ...runtime.env,
    ...containerEnvironment(config),
    PORT: String(port),
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
  };
  const [command, ...args] = runtime.cmd!.args;
  child = spawn(command === 'node' ? process.execPath : command!, args, { cwd: appDir, env, stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  exit = new Promise((resolve) => child!.once('exit', (code, signal) => resolve({ code, signal })));
}, 150_000);

afterAll(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (workdir) rmSync(workdir, { recursive: true, force: true });
});

describe('the production bundle, run as the image runs it', () => {
  it('has the layout the CMD expects', () => {
    const appDir = path.join(workdir, 'app');
    expect(existsSync(path.join(appDir, cmdScript(runtime.cmd!.args)!))).toBe(true);
    expect(existsSync(path.join(appDir, 'package.json'))).toBe(true);
    // Production dependencies only: no TypeScript toolchain in the bundle.
    expect(existsSync(path.join(appDir, 'node_modules', 'express'))).toBe(true);
    expect(existsSync(path.join(appDir, 'node_modules', 'openapi-typescript'))).toBe(false);
  });

  it('answers 200 on /healthz', async () => {
    const health = await getHealth(Date.now() + STARTUP_DEADLINE_MS);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toEqual(expect.objectContaining({ status: 'ok' }));
  }, STARTUP_DEADLINE_MS + 5_000);

  it('drains and exits 0 on SIGTERM, as ECS stops it', async () => {
    child!.kill('SIGTERM');
    const outcome = await Promise.race([
      exit,
      new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 10_000).unref()),
    ]);
    expect(outcome).toEqual({ code: 0, signal: null });
  }, 15_000);
});
