/**
 * The broker's settings: direct is the default; production broker mode refuses to start
 * without its shared secrets, naming the variable, in one line.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../../src/config.js';
import { generateSigningJwk } from '../../../src/auth/broker/signingKeys.js';

const mainJs = fileURLToPath(new URL('../../../dist/main.js', import.meta.url));
const production = { NODE_ENV: 'production', OAUTH_ISSUER: 'https://my.neonpanel.com', PUBLIC_BASE_URL: 'https://mcp.example.com' };

describe('broker configuration', () => {
  let signingKeys: string;
  const vaultKey = `k1:${randomBytes(32).toString('base64url')}`;
  beforeAll(async () => {
    signingKeys = JSON.stringify({ keys: [await generateSigningJwk()] });
  });
  const complete = () => ({ ...production, AUTH_MODE: 'broker', BROKER_SIGNING_KEYS: signingKeys, BROKER_VAULT_KEY: vaultKey, NEONPANEL_CLIENT_ID: 'id', NEONPANEL_CLIENT_SECRET: 'secret' });

  it('defaults to direct, and takes a complete production broker setup', () => {
    expect(loadConfig({}).authMode).toBe('direct');
    const config = loadConfig(complete());
    expect(config.authMode).toBe('broker');
    expect(config.broker.vaultKeys?.[0]?.kid).toBe('k1');
    expect(config.broker.signingKeys).toHaveLength(1);
    expect(config.broker.accessTokenTtlSeconds).toBe(900);
  });

  it.each(['BROKER_SIGNING_KEYS', 'BROKER_VAULT_KEY', 'NEONPANEL_CLIENT_ID', 'NEONPANEL_CLIENT_SECRET'])('refuses production broker mode without %s', (name) => {
    expect(() => loadConfig({ ...complete(), [name]: undefined })).toThrow(new RegExp(`${name} is required`));
  });

  it('refuses malformed keys and access-token lifetimes past an hour', () => {
    expect(() => loadConfig({ ...complete(), BROKER_SIGNING_KEYS: '{"keys":[{"kty":"oct","k":"x","kid":"a","alg":"HS256"}]}' })).toThrow(/BROKER_SIGNING_KEYS/);
    expect(() => loadConfig({ ...complete(), BROKER_SIGNING_KEYS: 'not json' })).toThrow(/BROKER_SIGNING_KEYS/);
    expect(() => loadConfig({ ...complete(), BROKER_VAULT_KEY: 'k1:tooshort' })).toThrow(/BROKER_VAULT_KEY/);
    expect(() => loadConfig({ ...complete(), BROKER_ACCESS_TOKEN_TTL_SECONDS: '3601' })).toThrow(/BROKER_ACCESS_TOKEN_TTL_SECONDS/);
    expect(() => loadConfig({ ...complete(), BROKER_CLIENTS: '[{"client_name":"no id"}]' })).toThrow(/BROKER_CLIENTS/);
  });

  it('main.js prints one line naming BROKER_SIGNING_KEYS and exits 1', () => {
    if (!existsSync(mainJs)) throw new Error(`${mainJs} is missing: build first (pnpm build).`);
    const { BROKER_SIGNING_KEYS: _omit, ...env } = complete();
    const child = spawnSync(process.execPath, [mainJs], { env: { PATH: process.env['PATH'], ...env }, encoding: 'utf8', timeout: 20_000 });
    expect(child.status).toBe(1);
    expect(child.stderr.trim().split('\n')).toEqual(['Invalid configuration: BROKER_SIGNING_KEYS is required when AUTH_MODE=broker and NODE_ENV=production']);
  });
});
