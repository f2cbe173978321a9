/**
 * The real gateway, started the way the Dockerfile starts it — `node packages/server/dist/main.js`
 * with NODE_ENV=production — against an issuer this harness plays on 127.0.0.1: a JWKS of a
 * key generated here, so the harness can sign tokens the server must accept.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';

export const SERVER_MAIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../../server/dist/main.js');

export interface RealServer {
  url: string;
  issuer: string;
  /** Signs an access token for this server with the issuer's key. */
  token(claims: { scope: string; sub?: string; expiresIn?: string }): Promise<string>;
  /** What the server printed, for diagnosing a failure. */
  output(): string;
  /** Requests the server made to the stand-in NeonPanel so far. */
  neonpanelCalls(): number;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** How long the server may take to answer /health. Default 20 s. */
  startTimeoutMs?: number;
  /**
   * `standard` (default): the server is told the JWKS URL and the endpoints, tokens carry
   * `aud` = the server. `neonpanel`: as production runs against my.neonpanel.com: the issuer
   * publishes OpenID discovery only (JWKS at /.well-known/jwks.json, scopes_supported
   * ["openid"]); the server gets only OAUTH_PROFILE, OAUTH_ISSUER, PUBLIC_BASE_URL and
   * NEONPANEL_API_BASE; tokens carry no `aud` and the scopes given.
   */
  profile?: 'standard' | 'neonpanel';
  /** Extra environment for the server (e.g. `ALLOWED_HOSTS` for a proxy in front of it). */
  env?: Record<string, string>;
}

async function freePort(): Promise<number> {
  const probe = http.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

/** Serves the issuer's JWKS (and, as NeonPanel, its OpenID document); everything else is 404, so no request leaves the machine. */
async function startIssuer(jwk: Record<string, unknown>, profile: 'standard' | 'neonpanel', neonpanelCalls: { count: number }): Promise<{ url: string; close(): Promise<void> }> {
  const jwksPath = profile === 'neonpanel' ? '/.well-known/jwks.json' : '/jwks';
  const server = http.createServer((req, res) => {
    req.resume();
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (profile === 'neonpanel' && req.method === 'GET' && req.url === '/.well-known/openid-configuration') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({
        issuer: url,
        authorization_endpoint: `${url}/oauth2/authorize`,
        token_endpoint: `${url}/oauth2/token`,
        registration_endpoint: `${url}/oauth2/register`,
        jwks_uri: `${url}${jwksPath}`,
        scopes_supported: ['openid'],
        response_types_supported: ['code'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'],
      }));
      return;
    }
    // NeonPanel's companies list, so the default read tool (which calls NeonPanel) succeeds;
    // each call is counted, so a test can tell that the tool call reached the upstream.
    if (req.method === 'GET' && req.url?.startsWith('/neonpanel/api/v1/companies')) {
      neonpanelCalls.count += 1;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ data: [{ uuid: '00000000-0000-4000-8000-000000000001', name: 'E2E Company' }], current_page: 1, per_page: 20, last_page: 1 }));
      return;
    }
    if (req.method === 'GET' && req.url === jwksPath) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
      return;
    }
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end('{"error":"not_found"}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The server exited with code ${child.exitCode} before it answered:\n${output()}`);
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) });
      await response.body?.cancel();
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`The server did not answer ${url}/health within ${timeoutMs} ms:\n${output()}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

export async function startRealServer(options: StartOptions = {}): Promise<RealServer> {
  if (!existsSync(SERVER_MAIN)) {
    throw new Error(
      `${SERVER_MAIN} is missing: the matrix runs against the server's production build. ` +
        'Build it first: `pnpm --filter @neonpanel-mcp/server build` (the root `pnpm test` builds everything first).',
    );
  }
  const kid = 'e2e-test-key';
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  const profile = options.profile ?? 'standard';
  const neonpanelCalls = { count: 0 };
  const issuerServer = await startIssuer(jwk, profile, neonpanelCalls);
  const issuer = issuerServer.url;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;

  let output = '';
  const child = spawn(process.execPath, [SERVER_MAIN], {
    cwd: resolve(dirname(SERVER_MAIN), '..'),
    env: {
      PATH: process.env['PATH'] ?? '',
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_BASE_URL: url,
      OAUTH_ISSUER: issuer,
      ...(profile === 'neonpanel'
        ? { OAUTH_PROFILE: 'neonpanel' }
        : {
            OAUTH_JWKS_URI: `${issuer}/jwks`,
            OAUTH_AUTHORIZATION_ENDPOINT: `${issuer}/authorize`,
            OAUTH_TOKEN_ENDPOINT: `${issuer}/token`,
          }),
      // The stand-in NeonPanel above: the read tool's calls stay on loopback.
      NEONPANEL_API_BASE: `${issuer}/neonpanel`,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_REQUESTS_PER_SECOND: '1000000',
      RATE_LIMIT_CONCURRENT_UPSTREAM: '100000',
      SHUTDOWN_DRAIN_MS: '2000',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const stop = async () => {
    await stopChild(child);
    await issuerServer.close();
  };
  try {
    await waitForHealth(url, child, options.startTimeoutMs ?? 20_000, () => output);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    url,
    issuer,
    token: ({ scope, sub = 'e2e-user', expiresIn = '10m' }) => {
      // An access token's shape (the server refuses anything else): at+jwt, and a jti, as NeonPanel's carry.
      const jwt = new SignJWT({ scope, client_id: 'e2e-client' })
        .setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt' })
        .setJti(randomUUID())
        .setIssuer(issuer);
      if (profile === 'standard') jwt.setAudience(url);
      return jwt
        .setSubject(sub)
        .setIssuedAt()
        .setExpirationTime(expiresIn)
        .sign(privateKey as CryptoKey);
    },
    output: () => output,
    neonpanelCalls: () => neonpanelCalls.count,
    stop,
  };
}
