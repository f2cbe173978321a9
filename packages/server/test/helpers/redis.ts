/**
 * A real `redis-server` (Debian's package) for one test file: its own free loopback port, no
 * persistence, started and stopped by the test. `stop()` then `start()` again on the same port
 * simulates an outage and its end.
 *
 * Every shared-state test runs twice (jest.config.cjs): on a plain node, and on a one-node
 * cluster (`--cluster-enabled yes`, all 16384 slots added to the node), which refuses a
 * command or transaction over two hash slots with CROSSSLOT exactly as ElastiCache Serverless
 * does. `TEST_REDIS_MODE=cluster` selects the second; `redisEnv()` tells a server which.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

export type TestRedisMode = 'standalone' | 'cluster';

/** The mode this jest project runs the shared-state tests in. */
export function testRedisMode(): TestRedisMode {
  return process.env['TEST_REDIS_MODE'] === 'cluster' ? 'cluster' : 'standalone';
}

export interface TestRedis {
  url: string;
  port: number;
  mode: TestRedisMode;
  /** What a server needs to use this Redis: REDIS_URL and REDIS_MODE. */
  env: { REDIS_URL: string; REDIS_MODE: TestRedisMode };
  /** (Re)starts the server on the same port and waits until it answers PING. */
  start(): Promise<void>;
  /** Kills the server (SIGKILL: an outage, not a clean shutdown) and waits for it to exit. */
  kill(): Promise<void>;
  /** Kills it and removes its data. */
  stop(): Promise<void>;
}

/** A port nothing listens on right now, on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function waitForPing(url: string, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const client = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.ping();
      client.disconnect();
      return;
    } catch (error) {
      client.disconnect();
      if (Date.now() > until) throw new Error(`redis-server did not answer within ${deadlineMs} ms: ${(error as Error).message}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

export interface RedisOptions {
  /** Keep data across kill/start (append-only file, fsync on every write), in a fresh temporary directory. */
  persist?: boolean;
  /** Default: this jest project's (`TEST_REDIS_MODE`). */
  mode?: TestRedisMode;
}

/** Gives a fresh cluster node every slot, and waits until it says the cluster is ok. */
async function claimAllSlots(url: string, deadlineMs: number): Promise<void> {
  const client = new Redis(url, { maxRetriesPerRequest: 0 });
  client.on('error', () => {});
  try {
    const info = String(await client.call('CLUSTER', 'INFO'));
    // A restarted node with its nodes.conf kept has its slots already.
    if (!/cluster_slots_assigned:16384/.test(info)) await client.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
    const until = Date.now() + deadlineMs;
    while (!/cluster_state:ok/.test(String(await client.call('CLUSTER', 'INFO')))) {
      if (Date.now() > until) throw new Error('the one-node cluster did not reach cluster_state:ok');
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    client.disconnect();
  }
}

export async function startRedis(options: RedisOptions = {}): Promise<TestRedis> {
  const mode = options.mode ?? testRedisMode();
  const port = await freePort();
  // A cluster node keeps its slot map in nodes.conf, so it needs a directory even without persistence.
  const dir = options.persist || mode === 'cluster' ? await mkdtemp(join(tmpdir(), 'mcp-redis-')) : undefined;
  const persistence = options.persist ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
  // A lone node announces no address unless told, and the client must be told where its slots are.
  const cluster = mode === 'cluster' ? ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-announce-ip', '127.0.0.1'] : [];
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;

  async function start(): Promise<void> {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence, ...(dir ? ['--dir', dir] : []), ...cluster, '--loglevel', 'warning'];
    child = spawn('redis-server', args, { stdio: 'ignore' });
    child.once('error', () => {});
    await waitForPing(url, 10_000);
    if (mode === 'cluster') await claimAllSlots(url, 10_000);
  }

  async function kill(): Promise<void> {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGKILL');
    await exited;
  }

  async function stop(): Promise<void> {
    await kill();
    if (dir) await rm(dir, { recursive: true, force: true });
  }

  await start();
  return { url, port, mode, env: { REDIS_URL: url, REDIS_MODE: mode }, start, kill, stop };
}
