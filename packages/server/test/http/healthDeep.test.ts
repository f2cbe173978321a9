/**
 * `/healthz?deep=1` cannot be used to amplify load: concurrent probes share one check in
 * flight, and the answers are kept briefly (issuer 10 s, store 1 s), on a clock the test moves.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { healthRouter } from '../../src/http/health.js';

const JWKS = 'https://issuer.example.test/jwks';

/** A call that waits until the test lets it answer, counting how often it was made. */
function gate<T>(answer: T) {
  let calls = 0;
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return {
    get calls() {
      return calls;
    },
    run: async (): Promise<T> => {
      calls += 1;
      await opened;
      return answer;
    },
    release: () => open(),
  };
}

let clock = 1_000_000;
const jwks = gate(new Response(JSON.stringify({ keys: [] }), { status: 200 }));
let storeAnswer: 'ok' | 'unreachable' = 'ok';
const store = gate<void>(undefined);
let server: http.Server;
let base: string;

beforeAll(async () => {
  const app = express();
  app.use(healthRouter({
    neonpanelApiBase: 'https://np.example.test',
    jwksUri: JWKS,
    timeoutMs: 1000,
    now: () => clock,
    fetch: (async () => (await jwks.run()).clone()) as typeof fetch,
    store: { health: async () => (await store.run(), storeAnswer) },
  }));
  server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const probe = async () => {
  const res = await fetch(`${base}/healthz?deep=1`);
  return { status: res.status, checks: ((await res.json()) as { checks: Record<string, string> }).checks };
};

test('ten concurrent deep probes make one JWKS fetch and one store ping', async () => {
  const probes = Array.from({ length: 10 }, probe);
  // Let every probe reach the router while both checks are still in flight.
  await new Promise((resolve) => setTimeout(resolve, 100));
  jwks.release();
  store.release();
  const answers = await Promise.all(probes);
  expect(answers.every((a) => a.status === 200 && a.checks['jwks'] === 'ok' && a.checks['store'] === 'ok')).toBe(true);
  expect([jwks.calls, store.calls]).toEqual([1, 1]);
});

test("a healthy store's answer is kept for a second, an unreachable one not at all, the issuer's for ten", async () => {
  const [jwksBefore, storeBefore] = [jwks.calls, store.calls];
  clock += 500;
  await probe();
  expect([jwks.calls - jwksBefore, store.calls - storeBefore]).toEqual([0, 0]);
  storeAnswer = 'unreachable';
  clock += 600; // 1.1 s after the first ping: the store is asked again, the issuer is not
  expect(await probe()).toEqual({ status: 503, checks: { jwks: 'ok', store: 'unreachable' } });
  expect([jwks.calls - jwksBefore, store.calls - storeBefore]).toEqual([0, 1]);
  storeAnswer = 'ok';
  // Same instant: the recovery shows at the very next probe.
  expect(await probe()).toEqual({ status: 200, checks: { jwks: 'ok', store: 'ok' } });
  expect([jwks.calls - jwksBefore, store.calls - storeBefore]).toEqual([0, 2]);
  clock += 10_000;
  expect((await probe()).status).toBe(200);
  expect([jwks.calls - jwksBefore, store.calls - storeBefore]).toEqual([1, 3]);
});

test('a store whose health check throws reads as unreachable, not as a 500', async () => {
  const app = express();
  app.use(healthRouter({ neonpanelApiBase: 'https://np.example.test', jwksUri: undefined, timeoutMs: 1000, store: { health: () => Promise.reject(new Error('boom')) } }));
  const broken = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => broken.once('listening', () => resolve()));
  try {
    const res = await fetch(`http://127.0.0.1:${(broken.address() as AddressInfo).port}/healthz?deep=1`);
    expect([res.status, ((await res.json()) as { checks: unknown }).checks]).toEqual([503, { jwks: 'not-configured', store: 'unreachable' }]);
  } finally {
    await new Promise<void>((resolve) => broken.close(() => resolve()));
  }
});
