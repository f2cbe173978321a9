/**
 * Runs the MCP Inspector's CLI mode (`mcp-inspector --cli`, @modelcontextprotocol/inspector)
 * as a child process with a time limit.
 *
 * It is started as `node <its bin>` rather than through `npx`, which would run npm (and npm's
 * update check against the registry) on every call. Its state (catalog, client config,
 * stored OAuth) goes to a fresh temporary directory, so a developer's own Inspector setup
 * can neither leak into nor be changed by the test. `--stored-auth-only` keeps it from ever
 * starting an interactive sign-in: the bearer header is the only credential it has.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface InspectorRun {
  /** Exit code; null when it was killed (timeout). */
  code: number | null;
  /** Whether the time limit killed it. */
  timedOut: boolean;
  /** stdout and stderr, with the bearer token replaced by `<token>`. */
  stdout: string;
  stderr: string;
}

export interface InspectorOptions {
  /** The MCP endpoint, e.g. http://localhost:3030/mcp. */
  url: string;
  transport: 'http' | 'sse';
  /** Sent as `Authorization: Bearer <token>`; never returned in the output. */
  token: string;
  /** `--method` and what follows it, e.g. ['--method', 'tools/list']. */
  args: readonly string[];
  /** Kills the process after this long. Default 20 000 ms. */
  timeoutMs?: number;
}

const require = createRequire(import.meta.url);

/** The `mcp-inspector` bin of the installed package. */
export async function inspectorBin(): Promise<string> {
  const manifestPath = require.resolve('@modelcontextprotocol/inspector/package.json');
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { bin?: Record<string, string> };
  const bin = manifest.bin?.['mcp-inspector'];
  if (!bin) throw new Error('@modelcontextprotocol/inspector has no mcp-inspector bin.');
  return path.resolve(path.dirname(manifestPath), bin);
}

export async function runInspectorCli(options: InspectorOptions): Promise<InspectorRun> {
  const bin = await inspectorBin();
  const home = await mkdtemp(path.join(tmpdir(), 'neonpanel-inspector-'));
  const redact = (text: string) => text.split(options.token).join('<token>');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    USERPROFILE: home,
    MCP_CATALOG_PATH: path.join(home, 'mcp.json'),
    MCP_CLIENT_CONFIG_PATH: path.join(home, 'client.json'),
    MCP_STORAGE_DIR: path.join(home, 'storage'),
    MCP_INSPECTOR_OAUTH_STATE_PATH: path.join(home, 'oauth-state.json'),
    MCP_AUTO_OPEN_ENABLED: 'false',
    NO_COLOR: '1',
  };
  // Stack traces on failure would be noise in a test log.
  delete env['MCP_DEBUG'];
  delete env['DEBUG'];
  const argv = [
    bin, '--cli', options.url,
    '--transport', options.transport,
    '--header', `Authorization: Bearer ${options.token}`,
    '--stored-auth-only',
    '--format', 'json',
    '--connect-timeout', '10000',
    ...options.args,
  ];
  try {
    return await new Promise<InspectorRun>((resolve) => {
      execFile(process.execPath, argv, { env, timeout: options.timeoutMs ?? 20_000, killSignal: 'SIGKILL', maxBuffer: 8 * 1024 * 1024 }, (error, stdout, stderr) => {
        const killed = error !== null && (error as { killed?: boolean }).killed === true;
        const code = error === null ? 0 : typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : null;
        resolve({ code: killed ? null : code, timedOut: killed, stdout: redact(stdout), stderr: redact(stderr) });
      });
    });
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

/** The one JSON object `--format json` prints on stdout. */
export function jsonOutput(run: InspectorRun): Record<string, unknown> {
  try {
    return JSON.parse(run.stdout) as Record<string, unknown>;
  } catch {
    throw new Error(`The Inspector printed no JSON (exit ${String(run.code)}${run.timedOut ? ', timed out' : ''}). stderr: ${run.stderr.slice(0, 500)}`);
  }
}
