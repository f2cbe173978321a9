/**
 * Authenticated tools/call in broker mode (issue 25) side by side with direct mode, in the
 * same run, both stateless and on the same redis-server. Direct verifies the issuer's token;
 * broker verifies our own at+jwt and looks its grant up in the vault (the decrypted entry is
 * cached in process for up to 60 s), on every call. `ratio` is broker against direct: the
 * target is throughput ≥ 0.85×, and CPU per call within 8× the node:http floor (`against`).
 *
 * The grants are written to the vault by this scenario, as the NeonPanel callback would
 * write them, and the tokens signed with the broker's signing key: the sign-in itself is
 * not what is measured.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { SignJWT, importJWK, type JWK } from 'jose';
import { startFloor, startOurs } from '../servers/launch.js';
import { startRedisServer } from '../servers/redis.js';
import { BENCH_AUDIENCE } from '../auth/issuer.js';
import { importDist } from '../paths.js';
import type { Row } from '../results.js';
import { TRIVIAL_TOOL } from '../load/mcp.js';
import { compare, measureInterleaved, runProblem, toRow } from './context.js';
import { checkToolCall } from './sanity.js';
import type { Scenario } from './types.js';

export const BROKER_DIRECT = 'tools/call stateless, direct mode';
export const BROKER_BROKER = 'tools/call stateless, broker mode';
const TURNS = 5;

export const brokerScenario: Scenario = async (ctx) => {
  const { options, tokens } = ctx;
  const { parseVaultKeys } = await importDist<typeof import('../../src/config.js')>('config.js');
  const { generateSigningJwk } = await importDist<typeof import('../../src/auth/broker/signingKeys.js')>('auth/broker/signingKeys.js');
  const { createVaultCipher } = await importDist<typeof import('../../src/auth/broker/vaultCipher.js')>('auth/broker/vaultCipher.js');
  const { createTokenVault } = await importDist<typeof import('../../src/auth/broker/tokenVault.js')>('auth/broker/tokenVault.js');
  const { createRedisBrokerStore } = await importDist<typeof import('../../src/store/brokerRedis.js')>('store/brokerRedis.js');

  const redis = await startRedisServer();
  const client = new Redis(redis.url);
  try {
    const signingKey = await generateSigningJwk('ES256');
    const vaultKey = `bench:${randomBytes(32).toString('base64url')}`;
    const direct = ctx.own(await startOurs(ctx.launch, { mode: 'stateless', env: { REDIS_URL: redis.url }, label: 'direct' }));
    const broker = ctx.own(await startOurs(ctx.launch, {
      mode: 'stateless',
      label: 'broker',
      env: {
        REDIS_URL: redis.url,
        AUTH_MODE: 'broker',
        BROKER_SIGNING_KEYS: JSON.stringify({ keys: [signingKey] }),
        BROKER_VAULT_KEY: vaultKey,
        NEONPANEL_CLIENT_ID: 'bench-broker',
        NEONPANEL_CLIENT_SECRET: 'bench-broker-secret',
      },
    }));
    const floor = ctx.own(await startFloor(ctx.launch));

    // One grant per load connection, as many as the direct run has tokens.
    const vault = createTokenVault({ store: createRedisBrokerStore(client, 'mcp:broker:'), cipher: createVaultCipher(parseVaultKeys(vaultKey)) });
    const key = await importJWK(signingKey as JWK, 'ES256');
    const brokerTokens: string[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const grantId = `bench-grant-${i}`;
      await vault.save(grantId, {
        tokens: { accessToken: `bench-neonpanel-token-${i}`, refreshToken: undefined, expiresAt: Date.now() + 3_600_000 },
        subject: 'user-alice-0001',
        clientId: 'bench-client',
      }, 3_600_000);
      brokerTokens.push(await new SignJWT({ grant_id: grantId, client_id: 'bench-client', scope: 'read:companies read:inventory' })
        .setProtectedHeader({ alg: 'ES256', kid: String(signingKey.kid), typ: 'at+jwt' })
        .setIssuer(BENCH_AUDIENCE)
        .setAudience(`${BENCH_AUDIENCE}/mcp`)
        .setSubject('user-alice-0001')
        .setJti(randomBytes(12).toString('base64url'))
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(key));
    }
    await checkToolCall(direct.url, tokens[0]!, TRIVIAL_TOOL);
    await checkToolCall(broker.url, brokerTokens[0]!, TRIVIAL_TOOL);

    const runs = {
      direct: { scenario: BROKER_DIRECT, server: direct, tokens },
      broker: { scenario: BROKER_BROKER, server: broker, tokens: brokerTokens },
      floor: { scenario: 'tools/call floor', server: floor, tokens },
    };
    type RunKey = keyof typeof runs;
    const servers = { direct, broker, floor };
    const worker = ctx.startWorker();
    const rounds = options.quick ? 1 : TURNS;
    const rows: Row[] = [];
    for (const connections of options.concurrency) {
      const job = (k: RunKey) => ({ profile: 'call' as const, connections, tokens: runs[k].tokens, url: runs[k].server.url, sessions: false });
      for (const k of Object.keys(runs) as RunKey[]) {
        ctx.log(`broker @${connections}: warm-up ${runs[k].server.name}`);
        await worker.cannon({ ...job(k), durationS: options.warmupS });
      }
      const measured = await measureInterleaved(servers, rounds, (_server, k) => worker.cannon({ ...job(k), durationS: options.measureS / rounds }));
      const r = Object.fromEntries((Object.keys(runs) as RunKey[]).map((k) => [k, toRow(runs[k].scenario, runs[k].server.name, connections, 'request', measured[k])])) as Record<RunKey, Row>;
      compare(r.broker, r.direct);
      for (const row of [r.direct, r.broker]) {
        row.against = { floor: { throughput: row.opsPerSec / r.floor.opsPerSec, cpu: row.cpuUsPerOp / r.floor.cpuUsPerOp } };
      }
      rows.push(r.direct, r.broker, r.floor);
    }
    return { rows, problems: rows.map(runProblem).filter((p): p is string => p !== undefined) };
  } finally {
    client.disconnect();
    await redis.stop();
  }
};
