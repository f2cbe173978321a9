/**
 * `pnpm bench`: our server against the MCP SDK's reference server, side by side, on
 * loopback, bounded in time. Each server, the sandbox and the load generator run in their
 * own processes; this one only orchestrates, measures and reports.
 */
import os from 'node:os';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { installChildReaper, killAllChildren } from './processes/children.js';
import { parseOptions, UsageError, USAGE, type BenchOptions, type ScenarioName } from './options.js';
import { startIssuer } from './auth/issuer.js';
import { importDevDist, sdkVersion, OURS_MAIN } from './paths.js';
import { LoadWorker } from './load/client.js';
import type { ServerHandle, LaunchOptions } from './servers/launch.js';
import type { ScenarioContext } from './scenarios/context.js';
import type { Scenario, ScenarioOutput } from './scenarios/types.js';
import { toolsCallScenario } from './scenarios/toolsCall.js';
import { telemetryScenario } from './scenarios/telemetry.js';
import { storeScenario } from './scenarios/store.js';
import { brokerScenario } from './scenarios/broker.js';
import { coldScenario } from './scenarios/cold.js';
import { legacySseScenario } from './scenarios/legacySse.js';
import { upstreamScenario } from './scenarios/upstream.js';
import { memoryScenario } from './scenarios/memory.js';
import { soakScenario } from './scenarios/soak.js';
import type { BenchReport } from './results.js';
import { checkTargets } from './report/targets.js';
import { renderText } from './report/text.js';
import { writeJson } from './report/json.js';
import { summariseProfiles } from './report/profile.js';
import { existsSync } from 'node:fs';
import { measureTokenCache } from './micro/tokenCache.js';
import { measureServerPerProcess } from './micro/serverPerProcess.js';

type DemoUsers = typeof import('../src/dev/demoUsers.js');

const SCENARIO_RUNNERS: Record<ScenarioName, Scenario> = {
  'tools-call': toolsCallScenario,
  telemetry: telemetryScenario,
  cold: coldScenario,
  sse: legacySseScenario,
  upstream: upstreamScenario,
  memory: memoryScenario,
  soak: soakScenario,
  store: storeScenario,
  broker: brokerScenario,
};

const started = Date.now();
const log = (message: string): void => {
  process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}\n`);
};

async function runScenario(name: ScenarioName, base: Omit<ScenarioContext, 'own' | 'startWorker'>): Promise<ScenarioOutput> {
  const servers: ServerHandle[] = [];
  const workers: LoadWorker[] = [];
  const ctx: ScenarioContext = {
    ...base,
    own: (server) => {
      servers.push(server);
      return server;
    },
    startWorker: (extra = {}) => {
      const worker = LoadWorker.start({ ...base.worker, ...extra });
      workers.push(worker);
      return worker;
    },
  };
  log(`scenario ${name}`);
  try {
    return await SCENARIO_RUNNERS[name](ctx);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { problems: [`${name}: ${message}`] };
  } finally {
    await Promise.all([...workers.map((w) => w.stop()), ...servers.map((s) => s.stop())]);
  }
}

async function main(options: BenchOptions): Promise<number> {
  if (!existsSync(OURS_MAIN)) throw new Error(`${OURS_MAIN} is missing: run \`pnpm --filter @neonpanel-mcp/server build\` first (\`pnpm bench\` does)`);
  const deadline = setTimeout(() => {
    process.stderr.write(`bench: still running after ${options.deadlineS} s; stopping everything\n`);
    killAllChildren();
    process.exit(3);
  }, options.deadlineS * 1000);
  deadline.unref();

  const { DEMO_USERS } = await importDevDist<DemoUsers>('dev/demoUsers.js');
  const alice = DEMO_USERS.find((u) => u.login === 'alice');
  if (!alice) throw new Error('the demo user alice is missing from dev/demoUsers');
  const issuer = await startIssuer();
  const connections = Math.max(...options.concurrency);
  const tokens = await Promise.all(Array.from({ length: connections }, () => issuer.sign({ subject: alice.subject, scopes: alice.scopes })));

  const pinned = options.pin && os.cpus().length >= 2;
  if (options.pin && !pinned) log('--pin needs two CPUs; not pinning');
  const profileDir = options.profileDir ? resolve(process.env['INIT_CWD'] ?? process.cwd(), options.profileDir) : undefined;
  if (profileDir) await mkdir(profileDir, { recursive: true });
  const launch: LaunchOptions = { issuer, cpu: pinned ? 0 : undefined, verbose: options.verbose, profileDir };

  const startedAt = new Date().toISOString();
  const loadAverage = os.loadavg();
  const outputs: ScenarioOutput[] = [];
  try {
    for (const name of options.only) {
      outputs.push(await runScenario(name, { options, launch, worker: { cpu: pinned ? 1 : undefined, verbose: options.verbose }, tokens, log }));
    }
  } finally {
    await issuer.close();
  }

  log('token cache micro-benchmark');
  const tokenCache = await measureTokenCache(options.quick ? 20_000 : 200_000);
  log('server-per-process micro-benchmark');
  const serverPerProcess = await measureServerPerProcess(options.quick ? 2_000 : 20_000);

  const partial: Omit<BenchReport, 'targets'> = {
    meta: {
      startedAt,
      finishedAt: new Date().toISOString(),
      quick: options.quick,
      node: process.version,
      sdk: sdkVersion(),
      cpus: os.cpus().length,
      loadAverage,
      pinned,
      durations: { warmupS: options.warmupS, measureS: options.measureS, soakS: options.soakS },
      command: `pnpm bench -- ${process.argv.slice(2).filter((a) => a !== '--').join(' ')}`.trim(),
    },
    rows: outputs.flatMap((o) => o.rows ?? []),
    upstream: outputs.flatMap((o) => o.upstream ?? []),
    memory: outputs.flatMap((o) => o.memory ?? []),
    soak: outputs.find((o) => o.soak)?.soak,
    tokenCache,
    serverPerProcess,
    problems: outputs.flatMap((o) => o.problems ?? []),
  };
  const report: BenchReport = { ...partial, targets: checkTargets(partial) };

  process.stdout.write(`\n${renderText(report)}\n`);
  if (options.out) log(`figures written to ${await writeJson(options.out, report)}`);
  if (profileDir) process.stdout.write(`\n${await summariseProfiles(profileDir)}\n`);
  log(report.problems.length ? `finished with ${report.problems.length} problem(s)` : 'finished');
  return report.problems.length ? 1 : 0;
}

installChildReaper();
let options: BenchOptions | 'help';
try {
  options = parseOptions(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  throw error;
}
if (options === 'help') {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
main(options).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
