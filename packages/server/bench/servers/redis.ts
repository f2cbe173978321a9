/** Debian's `redis-server` on a free loopback port, no persistence: the shared store of the `store` scenario. */
import { spawn } from 'node:child_process';
import { canConnect, freePort } from './ports.js';

export interface RedisHandle {
  url: string;
  stop(): Promise<void>;
}


export async function startRedisServer(): Promise<RedisHandle> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'], { stdio: 'ignore' });
  let failed: Error | undefined;
  child.once('error', (error) => (failed = error));
  const deadline = Date.now() + 10_000;
  while (!(await canConnect(port))) {
    if (failed) throw new Error(`redis-server could not start: ${failed.message} (install Debian's redis-server)`);
    if (Date.now() > deadline) throw new Error('redis-server did not listen within 10 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}
