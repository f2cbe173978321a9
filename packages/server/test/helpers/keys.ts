/**
 * Test-only signing keys and a JWKS endpoint on loopback. Keys are generated per run;
 * nothing private is ever written to the repository.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload, type CryptoKey } from 'jose';

export interface TestIssuer {
  issuer: string;
  jwksUri: string;
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
  /** Number of JWKS fetches served, to observe caching and refresh bounds. */
  readonly fetches: number;
  /** Makes the JWKS endpoint fail (simulating an outage) or recover. */
  setDown(down: boolean): void;
  sign(claims: JWTPayload, options?: { expiresIn?: string | number; kid?: string; alg?: string; key?: CryptoKey }): Promise<string>;
  close(): Promise<void>;
}

export async function startTestIssuer(options: { alg?: 'RS256' | 'ES256' } = {}): Promise<TestIssuer> {
  const alg = options.alg ?? 'RS256';
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid: 'test-key-1', alg, use: 'sig' };
  let fetches = 0;
  let down = false;
  const server = http.createServer((req, res) => {
    if (req.url === '/jwks') {
      fetches++;
      if (down) {
        res.writeHead(503).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] }));
      return;
    }
    if (req.url === '/.well-known/oauth-authorization-server') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        registration_endpoint: `${issuer}/register`,
        response_types_supported: ['code'],
        code_challenge_methods_supported: ['S256'],
      }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    issuer,
    jwksUri: `${issuer}/jwks`,
    kid: publicJwk.kid,
    privateKey,
    publicJwk,
    get fetches() {
      return fetches;
    },
    setDown(value) {
      down = value;
    },
    async sign(claims, signOptions = {}) {
      const jwt = new SignJWT(claims)
        .setProtectedHeader({ alg: signOptions.alg ?? alg, kid: signOptions.kid ?? publicJwk.kid, typ: 'at+jwt' })
        .setIssuedAt();
      if (claims.iss === undefined) jwt.setIssuer(issuer);
      if (signOptions.expiresIn !== undefined) jwt.setExpirationTime(signOptions.expiresIn);
      else if (claims.exp === undefined) jwt.setExpirationTime('10m');
      return jwt.sign(signOptions.key ?? privateKey);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
