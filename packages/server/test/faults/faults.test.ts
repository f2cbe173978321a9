/**
 * `pnpm test:faults`: production as it really is, on loopback. Two production server
 * processes behind Debian's nginx (round-robin, no stickiness: the ALB stand-in), one
 * cluster-semantics redis-server (persisted, as ElastiCache is), the NeonPanel sandbox behind
 * a tap that counts what it created. A bounded load runs over both protocol eras and legacy
 * SSE while the suite injects, one after another: kill -9 of a task mid-write, a Redis restart,
 * NeonPanel answering 502 and timing out after it received a create, client cancels mid-create,
 * a JWKS outage and a SIGTERM drain. It prints the table and fails when a target is missed:
 * 0 duplicate creates, 0 acknowledged writes lost, 0 unexplained 5xx, every session still
 * served, service back within 10 s of Redis returning.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { startTestIssuer, type TestIssuer } from '../helpers/keys.js';
import { claimsFor } from '../helpers/server.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { requireBuild, startTask, stopTask, exited, type Task } from '../helpers/processTask.js';
import { openSession } from '../mcp/rpc.js';
import { jwksTokenVerifier, startSandbox, type Sandbox } from '../../src/dev/sandbox/index.js';
import { DEMO_COMPANIES, DEMO_USERS } from '../../src/dev/demoUsers.js';
import { DEFAULT_SCOPES } from '../../src/config.js';
import { startCreateTap, type CreateTap } from './createTap.js';
import { startNginx, type Nginx } from './nginx.js';
import { modernRead, newTally, sessionCall, sseRoundTrip, write, type LoadContext } from './load.js';

const PUBLIC_BASE = 'https://mcp.faults.test';
const RECOVERY_TARGET_MS = 10_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let issuer: TestIssuer;
let redis: TestRedis;
let sandbox: Sandbox;
let tap: CreateTap;
let nginx: Nginx;
const tasks: Task[] = [];
let env: Record<string, string>;

beforeAll(async () => {
  requireBuild();
  [issuer, redis] = await Promise.all([startTestIssuer(), startRedis({ mode: 'cluster', persist: true })]);
  sandbox = await startSandbox({ verifyToken: jwksTokenVerifier({ issuer: issuer.issuer, jwksUri: issuer.jwksUri }), importPolls: 0 });
  tap = await startCreateTap(sandbox.url);
  env = {
    OAUTH_ISSUER: issuer.issuer,
    OAUTH_JWKS_URI: issuer.jwksUri,
    OAUTH_AUTHORIZATION_ENDPOINT: `${issuer.issuer}/authorize`,
    OAUTH_TOKEN_ENDPOINT: `${issuer.issuer}/token`,
    ...redis.env,
    REDIS_COMMAND_TIMEOUT_MS: '500',
    NEONPANEL_API_BASE: tap.url,
    UPSTREAM_TIMEOUT_MS: '1500',
    UPSTREAM_RETRIES: '0',
    MCP_SESSION_MODE: 'stateful',
    MCP_TOOLSETS: 'all',
    SHUTDOWN_DRAIN_MS: '3000',
    RATE_LIMIT_REQUESTS_PER_SECOND: '100000',
    RATE_LIMIT_CONCURRENT_UPSTREAM: '100000',
  };
  tasks.push(await startTask(env, PUBLIC_BASE), await startTask(env, PUBLIC_BASE));
  nginx = await startNginx(tasks.map((t) => t.port), new URL(PUBLIC_BASE).host);
}, 60_000);

afterAll(async () => {
  await nginx?.close();
  await Promise.all(tasks.map((t) => stopTask(t, 'SIGKILL')));
  await tap?.close();
  await sandbox?.close();
  await redis?.stop();
  await issuer?.close();
});

it('meets its targets under kill -9, a Redis restart, NeonPanel 502/timeout after a create, cancels, a JWKS outage and a SIGTERM drain', async () => {
  const tally = newTally();
  const token = await issuer.sign(claimsFor(PUBLIC_BASE, { sub: DEMO_USERS[0]!.subject, scope: DEFAULT_SCOPES.join(' ') }), { expiresIn: '1h' });
  let killedPort: number | undefined;
  const ctx: LoadContext = {
    base: nginx.url,
    token,
    company: DEMO_COMPANIES[0]!.uuid,
    tally,
    phase: 'warm-up',
    killedUpstream: (upstream) => killedPort !== undefined && upstream !== null && upstream.includes(`:${killedPort}`),
    createdUpstream: (ref) => tap.created(ref) > 0,
  };

  // Sessions opened through the proxy land on both tasks; each must stay served throughout.
  const sessions = await Promise.all(Array.from({ length: 6 }, () => openSession(nginx.url, token)));
  let sessionsLost = 0;
  const checkSessions = async (): Promise<void> => {
    for (const id of [...sessions]) {
      let status = await sessionCall(ctx, id);
      for (let i = 0; i < 20 && status !== 200 && status !== 404; i++) {
        await sleep(250);
        status = await sessionCall(ctx, id);
      }
      if (status !== 200) {
        sessionsLost++;
        sessions.splice(sessions.indexOf(id), 1);
      }
    }
  };

  let running = true;
  const loop = (step: () => Promise<void>) => (async () => {
    while (running) {
      await step();
      await sleep(20);
    }
  })();
  let turn = 0;
  const workers = [
    loop(() => modernRead(ctx)),
    loop(async () => void (await sessionCall(ctx, sessions[turn++ % sessions.length]!))),
    loop(() => write(ctx)),
    loop(() => write(ctx)),
    loop(() => sseRoundTrip(ctx)),
  ];

  await sleep(1_500);

  ctx.phase = 'kill -9';
  // 1. kill -9 of one task while creates are in flight (NeonPanel answers slowly for a moment).
  tap.setCreateFault('slow-answer', 800);
  const writesDuringKill = [write(ctx), write(ctx), write(ctx), write(ctx)];
  await sleep(300);
  const victim = tasks[1]!;
  killedPort = victim.port;
  victim.child.kill('SIGKILL');
  await exited(victim);
  await sleep(1_000);
  tap.setCreateFault('none');
  tasks[1] = await startTask(env, PUBLIC_BASE, victim.port);
  await Promise.all(writesDuringKill);
  killedPort = undefined;
  await checkSessions();

  ctx.phase = 'redis restart';
  // 2. A Redis restart: requests that need it get 503 with Retry-After; service back within 10 s.
  await redis.kill();
  await sleep(1_500);
  await redis.start();
  const back = Date.now();
  for (const id of sessions) {
    while ((await sessionCall(ctx, id)) !== 200 && Date.now() - back < 30_000) await sleep(100);
  }
  const recoveryMs = Date.now() - back;
  await checkSessions();

  ctx.phase = '502/timeout after create';
  // 3. NeonPanel answers 502, then times out, after it has received (and made) a create.
  tap.setCreateFault('bad-gateway-after');
  await Promise.all([write(ctx), write(ctx)]);
  tap.setCreateFault('hang-after');
  await Promise.all([write(ctx), write(ctx)]);
  tap.setCreateFault('none');

  ctx.phase = 'cancels';
  // 4. Client cancels mid-create (NeonPanel has the create; its answer is slow).
  tap.setCreateFault('slow-answer', 1_000);
  await Promise.all([write(ctx, 300), write(ctx, 300), write(ctx, 300)]);
  tap.setCreateFault('none');

  ctx.phase = 'jwks outage';
  // 5. A JWKS outage: the keys already fetched keep verifying.
  issuer.setDown(true);
  await sleep(3_000);
  issuer.setDown(false);

  ctx.phase = 'sigterm drain';
  // 6. A SIGTERM drain during load, in ECS's order: the task leaves the load balancer first
  // (new requests go to the other task), then gets SIGTERM while its in-flight work (slow
  // creates, open streams) is still running; that work must finish or be handed on.
  const draining = tasks[0]!;
  tap.setCreateFault('slow-answer', 800);
  const writesDuringDrain = [write(ctx), write(ctx)];
  await sleep(200);
  await nginx.route(tasks.filter((t) => t !== draining).map((t) => t.port));
  draining.child.kill('SIGTERM');
  await exited(draining);
  tap.setCreateFault('none');
  await Promise.all(writesDuringDrain);
  tasks[0] = await startTask(env, PUBLIC_BASE, draining.port);
  await nginx.route(tasks.map((t) => t.port));
  process.stdout.write(`ports: drained ${draining.port}, killed ${victim.port}\n`);
  await sleep(1_000);
  await checkSessions();

  running = false;
  await Promise.all(workers);

  const duplicates = tap.refs().reduce((sum, ref) => sum + Math.max(0, tap.created(ref) - 1), 0);
  const lost = [...tally.acknowledged.keys()].filter((ref) => tap.created(ref) === 0).length;
  const rows: Array<[string, string | number]> = [
    ['requests sent', tally.sent],
    ['answered', tally.answered],
    ['5xx other than 503 with Retry-After (unexplained)', tally.unexplained5xx.length],
    ['502 for requests in flight on the task killed with -9', tally.inFlightOnKilledTask],
    ['writes acknowledged', tally.acknowledged.size],
    ['acknowledged writes lost', lost],
    ['duplicate creates', duplicates],
    ['"outcome unknown" answers (resolved by checking the list)', tally.outcomeUnknown],
    ['legacy SSE round trips ok / failed', `${tally.sseRoundTrips} / ${tally.sseFailures}`],
    ['sessions lost', `${sessionsLost} of 6`],
    ['recovery after Redis returned', `${(recoveryMs / 1000).toFixed(1)} s`],
  ];
  const table = ['| measure | value |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
  process.stdout.write(`\nFault suite (pnpm test:faults)\n${table}\n\n`);
  if (tally.unexplained5xx.length > 0) process.stdout.write(`unexplained 5xx: ${JSON.stringify(tally.unexplained5xx.slice(0, 10))}\n`);

  // The load really ran and the faults really bit.
  expect(tally.sent).toBeGreaterThan(200);
  expect(tally.acknowledged.size).toBeGreaterThan(10);
  expect(tally.outcomeUnknown).toBeGreaterThan(0);
  expect(tally.sseRoundTrips).toBeGreaterThan(0);
  // The targets.
  expect(duplicates).toBe(0);
  expect(lost).toBe(0);
  expect(tally.unexplained5xx).toEqual([]);
  expect(sessionsLost).toBe(0);
  expect(recoveryMs).toBeLessThanOrEqual(RECOVERY_TARGET_MS);
}, 240_000);
