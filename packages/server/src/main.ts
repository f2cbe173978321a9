/**
 * Production entry point: environment → config → server, plus signal handling.
 * A bad configuration prints one line naming the variable and exits 1.
 */
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger } from './logger.js';
import { startServer, type RunningServer } from './server.js';
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
/** The server this entry point started, for a module that imports it instead of running it (the bench's wrapper). */
export let server: RunningServer | undefined;
try {
  const started = await startServer(config, { logger });
  server = started;
  logger.info({ url: started.url, publicBaseUrl: config.publicBaseUrl, version: VERSION, sessionMode: config.mcp.sessionMode }, 'listening');
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      started.shutdown(signal).then(
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
