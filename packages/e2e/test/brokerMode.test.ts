/**
 * The matrix against the production build in broker mode (AUTH_MODE=broker): the broker
 * cases run and pass (PRM names the gateway, its metadata shows CIMD, S256 and iss, /register
 * refuses a bad redirect URI, a NeonPanel-issued token at /mcp gets 401), and so does every
 * other case that needs no token of ours. In direct mode the broker cases are skipped.
 */
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import { MATRIX, runMatrix } from '../src/index.js';
import { renderTable } from '../src/cli.js';
import { startRealServer, type RealServer } from './support/realServer.js';

let server: RealServer | undefined;
afterAll(async () => {
  await server?.stop();
});

async function brokerEnv(): Promise<Record<string, string>> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const key = { ...(await exportJWK(privateKey)), kid: 'broker-e2e', alg: 'ES256', use: 'sig' };
  return {
    AUTH_MODE: 'broker',
    BROKER_SIGNING_KEYS: JSON.stringify({ keys: [key] }),
    BROKER_VAULT_KEY: `e2e:${randomBytes(32).toString('base64url')}`,
    NEONPANEL_CLIENT_ID: 'e2e-broker-client',
    NEONPANEL_CLIENT_SECRET: 'e2e-broker-secret',
  };
}

it('passes the broker cases against the production build in broker mode', async () => {
  server = await startRealServer({ profile: 'neonpanel', env: await brokerEnv() });
  // A token the upstream issuer (NeonPanel, played by the harness) signed: valid there, not here.
  const neonpanelToken = await server.token({ scope: 'openid' });
  const report = await runMatrix({ url: server.url, authMode: 'broker', neonpanelToken, timeoutMs: 5_000 });
  const failures = report.results.filter((r) => !r.ok);
  if (failures.length) throw new Error(`The matrix failed in broker mode:\n${renderTable(report)}\n--- server output ---\n${server.output()}`);
  const broker = report.results.filter((r) => r.category === 'broker');
  expect(broker.map((r) => r.name)).toEqual(MATRIX.filter((c) => c.category === 'broker').map((c) => c.name));
  expect(report.passed).toBeGreaterThan(broker.length);
  expect(JSON.stringify(report)).not.toContain(neonpanelToken);
}, 120_000);

it('skips the broker cases in direct mode, naming the option they need', async () => {
  const report = await runMatrix({ url: 'http://127.0.0.1:9', cases: MATRIX.filter((c) => c.category === 'broker'), timeoutMs: 500 });
  expect(report.results).toEqual([]);
  expect(report.skipped?.every((s) => s.needs.includes('broker'))).toBe(true);
});
