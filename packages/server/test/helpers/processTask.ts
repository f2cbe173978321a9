/**
 * A production server process (`node dist/main.js`, NODE_ENV=production), started the way the
 * Dockerfile does with a clean environment, for the tests that need real OS processes: the
 * cross-process store tests and the fault suite. Written here rather than imported from
 * packages/e2e (support/realServer.ts): that harness plays its own issuer per server, while two
 * tasks must trust one issuer, and no server test imports across packages.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort } from './redis.js';

export const MAIN_JS = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export interface Task {
  url: string;
  port: number;
  child: ChildProcess;
  output(): string;
}

/** Fails clearly when the production build is missing. */
export function requireBuild(): void {
  if (!existsSync(MAIN_JS)) {
    throw new Error(`${MAIN_JS} is missing: build first (\`pnpm --filter @neonpanel-mcp/server build\`; the root \`pnpm test\` builds before testing).`);
  }
}

/** Starts a task on `port` (a free one when not given) and waits until it answers /health. */
export async function startTask(env: Record<string, string>, publicBase: string, port?: number): Promise<Task> {
  const listenOn = port ?? (await freePort());
  const url = `http://127.0.0.1:${listenOn}`;
  let output = '';
  const child = spawn(process.execPath, [MAIN_JS], {
    env: {
      PATH: process.env['PATH'] ?? '',
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(listenOn),
      PUBLIC_BASE_URL: publicBase,
      LOG_LEVEL: 'warn',
      SHUTDOWN_DRAIN_MS: '1000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const task = { url, port: listenOn, child, output: () => output };
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`main.js exited with code ${child.exitCode}:\n${output}`);
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) });
      await response.body?.cancel();
      if (response.status === 200) return task;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stopTask(task);
      throw new Error(`main.js did not answer /health within 15 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Resolves once the task's process has exited. */
export function exited(task: Task): Promise<void> {
  const child = task.child;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((r) => child.once('exit', () => r()));
}

/** SIGTERM (a drain), then SIGKILL if it has not exited within 3 s past its drain. */
export async function stopTask(task: Task | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  const child = task?.child;
  if (!task || !child || child.exitCode !== null || child.signalCode !== null) return;
  const done = exited(task);
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 6_000);
  await done;
  clearTimeout(timer);
}
