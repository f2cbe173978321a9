/**
 * Production entry point: environment → config → server, plus signal handling.
 * A bad configuration prints one line naming the variable and exits 1.
 */
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger } from './logger.js';
import { startServer } from './server.js';
import { VERSION } from './version.js';

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}

const logger = createLogger(config.logLevel);
try {
  const server = await startServer(config, { logger });
  logger.info({ url: server.url, publicBaseUrl: config.publicBaseUrl, version: VERSION, sessionMode: config.mcp.sessionMode }, 'listening');
  // Live counts for the benchmark's soak (read by bench/processes/probe.ts over IPC); only
  // when a parent process started this one with an IPC channel. Counts, never contents.
  if (process.send) {
    (globalThis as Record<symbol, unknown>)[Symbol.for('neonpanel-mcp.benchCounters')] = () => ({
      sessions: server.mcp.sessions.size,
      streams: server.mcp.streams.size,
      sessionsWithStreams: server.mcp.streams.sessionsWithStreams,
      inFlight: server.mcp.dispatcher.inFlight,
    });
  }
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      server.shutdown(signal).then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  process.stderr.write(`Could not start: ${code === 'EADDRINUSE' ? `PORT ${config.port} is already in use` : String((error as Error).message)}\n`);
  process.exit(1);
}
process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
