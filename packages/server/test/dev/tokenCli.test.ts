/**
 * The `pnpm token` command: the module against a running development authorization server,
 * and the real entry point once, as a child process.
 */
import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { decodeJwt } from 'jose';
import { createJwtVerifier } from '../../src/auth/jwtVerifier.js';
import { DEMO_USERS } from '../../src/dev/demoUsers.js';
import { startAuthorizationServer, type RunningAuthorizationServer } from '../../src/dev/authServer/index.js';
import { runTokenCli } from '../../src/dev/authServer/tokenCli.js';

const BASE = 'http://localhost:3030';
const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tsx = path.resolve(packageDir, '../../node_modules/.bin/tsx');

let as: RunningAuthorizationServer;

beforeAll(async () => {
  as = await startAuthorizationServer({ port: 0, resources: [BASE, `${BASE}/mcp`, `${BASE}/sse`] });
});

afterAll(async () => {
  await as.close();
});

async function run(argv: string[], env: Record<string, string | undefined> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runTokenCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env });
  return { code, stdout, stderr };
}

function verifier(audience: string) {
  return createJwtVerifier({
    issuer: as.issuer, jwksUri: as.jwksUri, audiences: [audience], algorithms: ['RS256'], clockSkewSeconds: 5, timeoutMs: 2_000, cooldownMs: 0,
  });
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('runTokenCli', () => {
  it('prints only a valid access token on stdout, for the default /mcp resource', async () => {
    const { code, stdout, stderr } = await run(['--', '--user', 'alice', '--scope', 'read:companies read:inventory', '--issuer', as.issuer]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\n$/);
    const token = stdout.trim();
    const info = await verifier(`${BASE}/mcp`).verifyAccessToken(token);
    expect(info.extra?.['subject']).toBe(DEMO_USERS[0]!.subject);
    expect([...info.scopes].sort()).toEqual(['read:companies', 'read:inventory']);
    expect(stderr).not.toContain(token);
    expect(stderr).toContain('read:companies');
  });

  it('finds the authorization server and the resource from DEV_AUTH_PORT and PORT', async () => {
    const authPort = new URL(as.issuer).port;
    const { code, stdout } = await run(['--user', 'bob', '--scope', 'read:inventory'], { AUTH_MODE: 'direct', DEV_AUTH_PORT: authPort, PORT: '3030' });
    expect(code).toBe(0);
    expect(decodeJwt(stdout.trim())).toMatchObject({ iss: as.issuer, aud: `${BASE}/mcp`, scope: 'read:inventory' });
  });

  it('honours --resource', async () => {
    const { code, stdout } = await run(['--user', 'alice', '--scope', 'read:cogs', '--issuer', as.issuer, '--resource', `${BASE}/sse`]);
    expect(code).toBe(0);
    expect(decodeJwt(stdout.trim()).aud).toBe(`${BASE}/sse`);
  });

  it('asks for every scope when --scope is left out, narrowed to the user', async () => {
    const { code, stdout } = await run(['--user', 'bob', '--issuer', as.issuer]);
    expect(code).toBe(0);
    const scope = String(decodeJwt(stdout.trim())['scope']).split(' ').sort();
    expect(scope).toEqual([...DEMO_USERS[1]!.scopes].sort());
  });

  it('says in one line on stderr, and exits 1, when the authorization server is not running', async () => {
    const port = await closedPort();
    const { code, stdout, stderr } = await run(['--user', 'alice', '--issuer', `http://localhost:${port}`]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^error: .*not reachable.*\n$/);
    expect(stderr.split('\n')).toHaveLength(2);
  });

  it('exits 1 with the reason when the user may grant none of the scopes', async () => {
    const { code, stdout, stderr } = await run(['--user', 'bob', '--scope', 'write:import', '--issuer', as.issuer]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/access_denied/);
  });

  it('exits 1 for a wrong password', async () => {
    const { code, stdout, stderr } = await run(['--user', 'alice', '--password', 'wrong', '--issuer', as.issuer]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/Sign-in failed/);
  });

  it('exits 2 with usage for a missing user, an unknown user, an unknown flag or a bad URL', async () => {
    for (const argv of [[], ['--user', 'mallory'], ['--user', 'alice', '--bogus'], ['--user', 'alice', '--issuer', 'not a url']]) {
      const { code, stdout, stderr } = await run(argv);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/^error: /);
    }
  });

  it('prints help on stderr', async () => {
    const { code, stdout, stderr } = await run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toContain('--user');
  });
});

describe('src/dev/token.ts', () => {
  it('prints only the token on stdout when run as a program', async () => {
    const { stdout, stderr } = await promisify(execFile)(
      tsx,
      ['src/dev/token.ts', '--', '--user', 'bob', '--scope', 'read:warehouses', '--issuer', as.issuer],
      { cwd: packageDir, timeout: 30_000 },
    );
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const info = await verifier(`${BASE}/mcp`).verifyAccessToken(stdout.trim());
    expect(info.scopes).toEqual(['read:warehouses']);
    expect(stderr).not.toContain(stdout.trim());
  }, 40_000);

  it('exits 1 with one line on stderr when the authorization server is not running', async () => {
    const port = await closedPort();
    const failure = promisify(execFile)(tsx, ['src/dev/token.ts', '--user', 'alice', '--issuer', `http://localhost:${port}`], { cwd: packageDir, timeout: 30_000 });
    await expect(failure).rejects.toMatchObject({ code: 1, stdout: '', stderr: expect.stringMatching(/^error: .*not reachable.*\n$/) });
  }, 40_000);
});
