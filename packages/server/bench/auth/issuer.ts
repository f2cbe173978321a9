/**
 * The bench's authorization server, reduced to what a resource server needs: an RS256 key,
 * its JWKS on loopback, and access tokens signed with it. Keys live for one run only.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

/** Every server in the bench advertises this resource, so one set of tokens serves them all. */
export const BENCH_AUDIENCE = 'http://mcp.bench.invalid';
export const BENCH_CLIENT_ID = 'neonpanel-bench';

export interface TokenClaims {
  /** Token `sub`: a demo user's subject, so the sandbox serves that user's companies. */
  subject: string;
  scopes: readonly string[];
  /** Default 3600. */
  lifetimeSeconds?: number;
}

export interface BenchIssuer {
  issuer: string;
  jwksUri: string;
  /** Static authorization-server endpoints for our server's RFC 8414 metadata; never called. */
  authorizationEndpoint: string;
  tokenEndpoint: string;
  /** JWKS documents served: each server should fetch once and cache. */
  readonly jwksFetches: number;
  sign(claims: TokenClaims): Promise<string>;
  close(): Promise<void>;
}

export async function startIssuer(): Promise<BenchIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `bench-${randomUUID().slice(0, 8)}`;
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const jwks = JSON.stringify({ keys: [publicJwk] });
  let jwksFetches = 0;

  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/jwks') {
      jwksFetches++;
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=600' }).end(jwks);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    issuer,
    jwksUri: `${issuer}/jwks`,
    authorizationEndpoint: `${issuer}/authorize`,
    tokenEndpoint: `${issuer}/token`,
    get jwksFetches() {
      return jwksFetches;
    },
    sign(claims: TokenClaims): Promise<string> {
      return new SignJWT({ client_id: BENCH_CLIENT_ID, scope: claims.scopes.join(' ') })
        .setProtectedHeader({ alg: 'RS256', kid, typ: 'at+jwt' })
        .setIssuer(issuer)
        .setAudience(BENCH_AUDIENCE)
        .setSubject(claims.subject)
        .setJti(randomUUID())
        .setIssuedAt()
        .setExpirationTime(`${claims.lifetimeSeconds ?? 3600}s`)
        .sign(privateKey as CryptoKey);
    },
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
