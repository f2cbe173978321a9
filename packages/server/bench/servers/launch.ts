/**
 * Starts the servers under test, each in its own process with the probe preloaded:
 * our production build, the SDK baselines (1.x and v2), the node:http floor and the sandbox.
 */
import { pathToFileURL } from 'node:url';
import { Child } from '../processes/children.js';
import type { ProbeStats } from '../processes/probe.js';
import { BENCH_AUDIENCE, type BenchIssuer } from '../auth/issuer.js';
import { benchFile, OURS_MAIN } from '../paths.js';
import { freePort, waitForPort } from './ports.js';

export type ServerRole = 'baseline' | 'v2-reference' | 'floor' | 'hop' | 'ours' | 'sandbox';

export interface ServerHandle {
  /** Row label in the report: `baseline`, `ours (stateless)`, … */
  name: string;
  role: ServerRole;
  url: string;
  pid: number;
  /** CPU and memory now (cheap). `resources` adds live handle counts. */
  stats(resources?: boolean): Promise<ProbeStats>;
  /** Full GC first: for heap figures. */
  gcStats(): Promise<ProbeStats>;
  stop(): Promise<void>;
}

export interface LaunchOptions {
  issuer: BenchIssuer;
  /** CPU to pin servers to (taskset), or undefined. */
  cpu: number | undefined;
  verbose: boolean;
  /** When set, our server writes a V8 CPU profile here on exit. */
  profileDir: string | undefined;
}

const probeFlags = (): string[] => ['--expose-gc', '--import', pathToFileURL(benchFile('processes/probe.js')).href];

/** Only what the child needs: a variable left in the caller's shell must not change the server under test. */
const baseEnv = (): NodeJS.ProcessEnv => ({ PATH: process.env['PATH'] ?? '/usr/bin:/bin' });

async function launch(
  name: string,
  role: ServerRole,
  script: string,
  env: NodeJS.ProcessEnv,
  options: LaunchOptions,
  extra: { execArgv?: string[]; fileLimit?: number } = {},
): Promise<ServerHandle> {
  const port = Number(env['PORT']);
  const child = new Child({
    name,
    script,
    env: { ...baseEnv(), ...env },
    execArgv: [...probeFlags(), ...(extra.execArgv ?? [])],
    cpu: options.cpu,
    fileLimit: extra.fileLimit,
    verbose: options.verbose,
  });
  try {
    await waitForPort(child, port);
  } catch (error) {
    await child.stop(0);
    throw error;
  }
  return {
    name,
    role,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    stats: (resources = false) => child.call<ProbeStats>('stats', { resources }),
    gcStats: () => child.call<ProbeStats>('gcStats', undefined, 60_000),
    stop: () => child.stop(),
  };
}

export async function startBaseline(options: LaunchOptions): Promise<ServerHandle> {
  const port = await freePort();
  return launch('baseline', 'baseline', benchFile('servers/baseline.js'), {
    NODE_ENV: 'production',
    PORT: String(port),
    BENCH_ISSUER: options.issuer.issuer,
    BENCH_JWKS_URI: options.issuer.jwksUri,
    BENCH_AUDIENCE,
  }, options);
}

/** The v2 SDK's reference (`servers/v2Reference.ts`): same tool, same issuer, both eras. */
export async function startV2Reference(options: LaunchOptions): Promise<ServerHandle> {
  const port = await freePort();
  return launch('v2 reference', 'v2-reference', benchFile('servers/v2Reference.js'), {
    NODE_ENV: 'production',
    PORT: String(port),
    BENCH_ISSUER: options.issuer.issuer,
    BENCH_JWKS_URI: options.issuer.jwksUri,
    BENCH_AUDIENCE,
  }, options);
}

/** The raw `node:http` floor (`servers/floor.ts`): a fixed answer, no auth. */
export async function startFloor(options: LaunchOptions): Promise<ServerHandle> {
  const port = await freePort();
  return launch('floor (node:http)', 'floor', benchFile('servers/floor.js'), { NODE_ENV: 'production', PORT: String(port) }, options);
}

/** The raw forwarding hop (`servers/hop.ts`) in front of `targetUrl`: no auth, no MCP. */
export async function startHop(options: LaunchOptions, targetUrl: string): Promise<ServerHandle> {
  const port = await freePort();
  return launch('hop (node:http + undici)', 'hop', benchFile('servers/hop.js'), { NODE_ENV: 'production', PORT: String(port), TARGET: targetUrl }, options);
}

export interface OursOptions {
  mode: 'stateless' | 'stateful';
  /** NEONPANEL_API_BASE; default a closed loopback port (scenarios without upstream calls). */
  upstreamUrl?: string;
  /** Expected open streams, so the process may hold that many sockets. */
  fileLimit?: number;
  /** More environment (TELEMETRY settings, REDIS_URL for the store scenario). */
  env?: Record<string, string>;
  /** Added to the row label: `ours (<mode>, <label>)`. */
  label?: string;
  /** The entry point to run. Default this tree's production build (`OURS_MAIN`). */
  main?: string;
}

/** Our server from the production build, configured as production would be, on loopback. */
export async function startOurs(options: LaunchOptions, ours: OursOptions): Promise<ServerHandle> {
  const port = await freePort();
  const name = `ours (${ours.mode}${ours.label ? `, ${ours.label}` : ''})`;
  const profile = options.profileDir
    ? ['--cpu-prof', '--cpu-prof-dir', options.profileDir, '--cpu-prof-name', `ours-${ours.mode}-${Date.now()}.cpuprofile`]
    : [];
  // Through the bench's wrapper, which imports the entry point and publishes its live counts.
  return launch(name, 'ours', benchFile('processes/ours.js'), {
    BENCH_GATEWAY_MAIN: ours.main ?? OURS_MAIN,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_BASE_URL: BENCH_AUDIENCE,
    OAUTH_ISSUER: options.issuer.issuer,
    OAUTH_JWKS_URI: options.issuer.jwksUri,
    OAUTH_AUTHORIZATION_ENDPOINT: options.issuer.authorizationEndpoint,
    OAUTH_TOKEN_ENDPOINT: options.issuer.tokenEndpoint,
    LOG_LEVEL: 'warn',
    // The load generator is one user at thousands of requests a second: measure the server, not the per-user limit.
    RATE_LIMIT_REQUESTS_PER_SECOND: '1000000',
    RATE_LIMIT_CONCURRENT_UPSTREAM: '100000',
    MCP_SESSION_MODE: ours.mode,
    MCP_MAX_SESSIONS: '100000',
    MCP_MAX_SESSIONS_PER_SUBJECT: '100000',
    NEONPANEL_API_BASE: ours.upstreamUrl ?? 'http://127.0.0.1:9',
    SHUTDOWN_DRAIN_MS: '1000',
    ...ours.env,
  }, options, { execArgv: profile, ...(ours.fileLimit !== undefined ? { fileLimit: ours.fileLimit } : {}) });
}

/** The NeonPanel sandbox with a fixed latency on every answer. */
export async function startSandbox(options: LaunchOptions, latencyMs: number): Promise<ServerHandle> {
  const port = await freePort();
  return launch('sandbox', 'sandbox', benchFile('servers/sandbox.js'), {
    NODE_ENV: 'production',
    PORT: String(port),
    BENCH_ISSUER: options.issuer.issuer,
    BENCH_JWKS_URI: options.issuer.jwksUri,
    SANDBOX_LATENCY_MS: String(latencyMs),
  }, { ...options, cpu: undefined, profileDir: undefined });
}
