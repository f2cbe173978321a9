/**
 * Test-only signing keys and a JWKS endpoint on loopback. Keys are generated per run;
 * nothing private is ever written to the repository.
 */
import { randomUUID } from 'node:crypto';
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
  /** Makes every metadata document fail (503) or recover. */
  setMetadataDown(down: boolean): void;
  /** Number of metadata requests served (any location). */
  readonly metadataFetches: number;
  sign(claims: JWTPayload, options?: { expiresIn?: string | number; kid?: string; alg?: string; key?: CryptoKey }): Promise<string>;
  close(): Promise<void>;
}

export interface TestIssuerOptions {
  alg?: 'RS256' | 'ES256';
  /**
   * `standard` (default): RFC 8414 metadata and the JWKS at `/jwks`.
   * `neonpanel`: as NeonPanel publishes it: OpenID discovery only
   * (`/.well-known/openid-configuration`), the JWKS at `/.well-known/jwks.json`,
   * `scopes_supported: ["openid"]`, `/oauth2/*` endpoints.
   */
  layout?: 'standard' | 'neonpanel';
}

export async function startTestIssuer(options: TestIssuerOptions = {}): Promise<TestIssuer> {
  const alg = options.alg ?? 'RS256';
  const layout = options.layout ?? 'standard';
  const jwksPath = layout === 'neonpanel' ? '/.well-known/jwks.json' : '/jwks';
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid: 'test-key-1', alg, use: 'sig' };
  let fetches = 0;
  let metadataFetches = 0;
  let down = false;
  let metadataDown = false;
  const server = http.createServer((req, res) => {
    if (req.url?.startsWith('/.well-known/') && req.url !== jwksPath) {
      metadataFetches++;
      if (metadataDown) {
        res.writeHead(503).end();
        return;
      }
    }
    if (layout === 'neonpanel') {
      if (req.url === '/.well-known/openid-configuration') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
          issuer,
          authorization_endpoint: `${issuer}/oauth2/authorize`,
          token_endpoint: `${issuer}/oauth2/token`,
          registration_endpoint: `${issuer}/oauth2/register`,
          jwks_uri: `${issuer}${jwksPath}`,
          scopes_supported: ['openid'],
          response_types_supported: ['code'],
          code_challenge_methods_supported: ['S256'],
          token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'],
          id_token_signing_alg_values_supported: ['RS256'],
        }));
        return;
      }
      if (req.url !== jwksPath) {
        res.writeHead(404).end();
        return;
      }
    }
    if (req.url === jwksPath) {
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
        jwks_uri: `${issuer}${jwksPath}`,
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
    jwksUri: `${issuer}${jwksPath}`,
    kid: publicJwk.kid,
    privateKey,
    publicJwk,
    get fetches() {
      return fetches;
    },
    setDown(value) {
      down = value;
    },
    setMetadataDown(value) {
      metadataDown = value;
    },
    get metadataFetches() {
      return metadataFetches;
    },
    async sign(claims, signOptions = {}) {
      // Access tokens name themselves (`jti`), as NeonPanel's (Passport's) and RFC 9068's do.
      const jwt = new SignJWT({ jti: randomUUID(), ...claims })
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
