/**
 * A one-node Redis Cluster (Debian's `redis-server` with cluster mode on, every slot on the
 * one node), beside the plain server of redis.ts: on it a command that spans two hash slots
 * fails with CROSSSLOT, as on ElastiCache in cluster mode, so a test can prove a store keeps
 * each operation in one slot.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster, Redis } from 'ioredis';
import { freePort } from './redis.js';

export interface TestRedisCluster {
  port: number;
  /** An ioredis Cluster client connected to it (closed by `stop`). */
  client: Cluster;
  stop(): Promise<void>;
}

export async function startRedisCluster(): Promise<TestRedisCluster> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'mcp-redis-cluster-'));
  const child: ChildProcess = spawn('redis-server', [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning',
    '--cluster-enabled', 'yes', '--cluster-announce-ip', '127.0.0.1', '--cluster-config-file', join(dir, 'nodes.conf'), '--dir', dir,
  ], { stdio: 'ignore' });
  child.once('error', () => {});
  let admin: Redis | undefined;
  for (let attempt = 0; !admin; attempt++) {
    const candidate = new Redis({ host: '127.0.0.1', port, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    candidate.on('error', () => {});
    try {
      await candidate.connect();
      await candidate.ping();
      admin = candidate;
    } catch (error) {
      candidate.disconnect();
      if (attempt > 200) throw new Error(`redis-server (cluster) did not start: ${(error as Error).message}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
  for (let i = 0; i < 200; i++) {
    const info = String(await admin.call('CLUSTER', 'INFO'));
    if (info.includes('cluster_state:ok')) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  admin.disconnect();
  const client = new Cluster([{ host: '127.0.0.1', port }], { lazyConnect: true });
  client.on('error', () => {});
  await client.connect();
  return {
    port,
    client,
    async stop() {
      client.disconnect();
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
