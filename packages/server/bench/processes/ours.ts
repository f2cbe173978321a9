/**
 * The bench's entry point for a measured gateway: it runs the production entry point named by
 * BENCH_GATEWAY_MAIN (this tree's dist/main.js, or `--previous`'s) by importing it, and
 * publishes the started server's live counts where the probe reads them. The production
 * `main.ts` knows nothing of the bench: it only exports the server it started. A build from
 * before that export runs unchanged, without counts. Counts, never contents.
 */
import { pathToFileURL } from 'node:url';
import type { RunningServer } from '../../src/server.js';
import { COUNTERS_SYMBOL } from './probe.js';

const entry = process.env['BENCH_GATEWAY_MAIN'];
if (!entry) throw new Error('bench: BENCH_GATEWAY_MAIN is required');
const { server } = (await import(pathToFileURL(entry).href)) as { server?: RunningServer };
if (server) {
  const { mcp } = server;
  (globalThis as Record<symbol, unknown>)[COUNTERS_SYMBOL] = () => ({
    sessions: mcp.sessions.size,
    streams: mcp.streams.size,
    sessionsWithStreams: mcp.streams.sessionsWithStreams,
    inFlight: mcp.dispatcher.inFlight,
  });
}
