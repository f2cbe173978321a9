/**
 * `pnpm token`: mints an access token for a demo user by running the real authorization
 * code flow against the running development authorization server (see flow.ts).
 *
 * stdout carries the access token and nothing else, so `$(pnpm -s token -- …)` works;
 * everything meant for a person goes to stderr.
 */
import { parseArgs } from 'node:util';
import { DEMO_USERS, demoUserByLogin } from '../demoUsers.js';
import { obtainToken, type FetchLike } from './flow.js';
import { devAuthMode, devIssuer, devPorts, devPublicBaseUrl, type DevPorts } from './devStack.js';

export interface TokenCliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** For the default issuer and resource ports (DEV_AUTH_PORT, PORT). */
  env?: Record<string, string | undefined>;
  fetch?: FetchLike;
}

export const TOKEN_USAGE = `Usage: pnpm token -- --user <login> [--scope "<scopes>"] [--resource <url>] [--issuer <url>] [--password <password>]

Prints an access token for a demo user on stdout, by signing in through the running
development authorization server (start it with "pnpm dev").

  --user      demo user: ${DEMO_USERS.map((u) => u.login).join(', ')}
  --scope     space-delimited scopes (default: every scope the server offers, i.e. openid
              under the neonpanel profile; narrowed to what the user may grant)
  --resource  the MCP resource the token is for (default: http://localhost:$PORT/mcp, PORT=3030)
  --issuer    the authorization server (default: http://localhost:$DEV_AUTH_PORT, DEV_AUTH_PORT=3031)
  --password  the user's password (default: the demo user's)
`;

/** Runs the command; resolves to the process exit code. */
export async function runTokenCli(argv: readonly string[], io: TokenCliIo): Promise<number> {
  // pnpm hands scripts the `--` of `pnpm token -- --user x` (twice through a root script);
  // the command takes no positionals, so a separator means nothing here.
  const args = argv.filter((arg) => arg !== '--');
  let values: { user?: string; scope?: string; resource?: string; issuer?: string; password?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        user: { type: 'string', short: 'u' },
        scope: { type: 'string', short: 's' },
        resource: { type: 'string', short: 'r' },
        issuer: { type: 'string', short: 'i' },
        password: { type: 'string', short: 'p' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    io.stderr(`error: ${(error as Error).message}\n${TOKEN_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stderr(TOKEN_USAGE);
    return 0;
  }
  if (!values.user) {
    io.stderr(`error: --user is required\n${TOKEN_USAGE}`);
    return 2;
  }
  if (values.password === undefined && !demoUserByLogin(values.user)) {
    io.stderr(`error: unknown demo user "${values.user}" (known: ${DEMO_USERS.map((u) => u.login).join(', ')})\n`);
    return 2;
  }

  let ports: DevPorts;
  try {
    ports = devPorts(io.env ?? {});
  } catch (error) {
    io.stderr(`error: ${(error as Error).message}\n`);
    return 2;
  }
  let broker: boolean;
  try {
    broker = devAuthMode(io.env ?? {}) === 'broker';
  } catch (error) {
    io.stderr(`error: ${(error as Error).message}\n`);
    return 2;
  }
  // In broker mode the MCP server itself is the authorization server clients sign in at.
  const issuer = values.issuer ?? (broker ? devPublicBaseUrl(ports) : devIssuer(ports));
  const resource = values.resource ?? `${devPublicBaseUrl(ports)}/mcp`;
  const scope = values.scope?.trim().split(/\s+/).join(' ');
  for (const [name, url] of [['--issuer', issuer], ['--resource', resource]] as const) {
    if (!URL.canParse(url)) {
      io.stderr(`error: ${name} must be an absolute URL\n`);
      return 2;
    }
  }

  try {
    const { tokens } = await obtainToken({
      issuer,
      user: values.user,
      ...(scope ? { scope } : {}),
      resource,
      ...(values.password !== undefined ? { password: values.password } : {}),
      ...(io.fetch ? { fetch: io.fetch } : {}),
    });
    const expires = tokens.expires_in !== undefined ? `, expires in ${tokens.expires_in} s` : '';
    io.stderr(`Access token for ${values.user} at ${resource} (scope: ${tokens.scope ?? '(none)'}${expires})\n`);
    io.stdout(`${tokens.access_token}\n`);
    return 0;
  } catch (error) {
    // DevFlowError messages are written for people; the SDK's OAuth errors carry the AS's description.
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`error: ${message.split('\n')[0]}\n`);
    return 1;
  }
}
