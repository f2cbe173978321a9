/**
 * The operator's entry into the broker, run inside a task with the server's environment:
 *
 *   node dist/auth/broker/adminCli.js revoke --subject <neonpanel-sub>
 *
 * revokes every grant of one NeonPanel user: their vault records (our access tokens stop at
 * the next request), refresh tokens and grants. Prints how many; never a token.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Env } from '../../config.js';
import { createStore } from '../../store/createStore.js';
import { brokerVault } from './broker.js';

export const ADMIN_USAGE = 'Usage: node dist/auth/broker/adminCli.js revoke --subject <neonpanel-sub>\n';

export interface AdminIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Env;
}

export async function runAdminCli(argv: readonly string[], io: AdminIo): Promise<number> {
  let parsed: { values: { subject?: string | undefined }; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options: { subject: { type: 'string' } }, allowPositionals: true, strict: true });
  } catch (error) {
    io.stderr(`error: ${(error as Error).message}\n${ADMIN_USAGE}`);
    return 2;
  }
  const [command] = parsed.positionals;
  const subject = parsed.values.subject?.trim();
  if (command !== 'revoke' || !subject || parsed.positionals.length !== 1) {
    io.stderr(ADMIN_USAGE);
    return 2;
  }
  let config;
  try {
    config = loadConfig(io.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
  if (!config.store.redisUrl) {
    io.stderr('REDIS_URL is not set: the grants live in the server process\'s memory, which this command cannot reach.\n');
    return 1;
  }
  const store = createStore(config, () => {});
  try {
    await store.ready();
    const { grants } = brokerVault(config, store);
    const count = await grants.revokeSubject(subject);
    io.stdout(`revoked ${count} grant(s) of subject ${subject}\n`);
    return 0;
  } catch (error) {
    io.stderr(`error: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await store.close();
  }
}

// Run when executed directly, not when imported by a test.
if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  process.exitCode = await runAdminCli(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
  });
}
