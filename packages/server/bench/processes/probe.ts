/**
 * Preloaded (`node --expose-gc --import probe.js …`) into every measured server process, so
 * the bench reads CPU, memory and live resources from inside it without touching server
 * code. It runs only when the process has an IPC channel, i.e. when the bench started it.
 *
 * It cannot see server internals. If a function is published at
 * `globalThis[Symbol.for('neonpanel-mcp.benchCounters')]` returning named counts (sessions,
 * streams, cache sizes …), those are reported too: `processes/ours.ts`, the wrapper the bench
 * runs our gateway through, publishes them.
 */
import { serveRpc } from './rpc.js';

export interface ProbeStats {
  /** process.cpuUsage(), µs since the process started. */
  cpuUserUs: number;
  cpuSystemUs: number;
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  arrayBuffersBytes: number;
  /** process.getActiveResourcesInfo() counted by type: TCPSocketWrap, Timeout, … */
  resources: Record<string, number>;
  /** The server's own counters, when it publishes them. */
  counters: Record<string, number> | undefined;
}

export const COUNTERS_SYMBOL = Symbol.for('neonpanel-mcp.benchCounters');

function countResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of process.getActiveResourcesInfo()) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

function counters(): Record<string, number> | undefined {
  const source = (globalThis as Record<symbol, unknown>)[COUNTERS_SYMBOL];
  if (typeof source !== 'function') return undefined;
  try {
    return (source as () => Record<string, number>)();
  } catch {
    return undefined;
  }
}

function stats(withResources: boolean): ProbeStats {
  const cpu = process.cpuUsage();
  const mem = process.memoryUsage();
  return {
    cpuUserUs: cpu.user,
    cpuSystemUs: cpu.system,
    rssBytes: mem.rss,
    heapUsedBytes: mem.heapUsed,
    heapTotalBytes: mem.heapTotal,
    externalBytes: mem.external,
    arrayBuffersBytes: mem.arrayBuffers,
    resources: withResources ? countResources() : {},
    counters: withResources ? counters() : undefined,
  };
}

const gc = (globalThis as { gc?: (options?: unknown) => void }).gc;

serveRpc({
  /** Cheap enough to sample every half second during a run. */
  stats: (params) => stats(Boolean((params as { resources?: boolean } | undefined)?.resources)),
  /** Full GC (twice, so weak references and finalizers settle), then stats. */
  gcStats: async () => {
    if (!gc) throw new Error('start the server with --expose-gc');
    gc();
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    return stats(true);
  },
  exit: () => process.exit(0),
});
