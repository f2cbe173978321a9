/**
 * Tokens the runner makes itself. Each forgery is as close to a real token as the runner can
 * get — the server's issuer and resource as `iss` and `aud`, and, when known, the `kid` and
 * `alg` of a real signing key — so that the one thing wrong with it is the thing being tested.
 */
import { base64url, decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT, UnsecuredJWT, type JWTPayload } from 'jose';
import type { Forgery } from './cases.js';

export interface ForgeryTemplate {
  issuer: string;
  audience: string;
  scope: string;
  /** The `kid` of a key the server trusts, so a bad signature is not mistaken for an unknown key. */
  kid?: string;
  /** The algorithm of that key. */
  alg?: string;
}

/** Algorithms the forger can make a throwaway key for. */
const SIGNING_ALGORITHMS = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']);
const DEFAULT_ALG = 'ES256';

function claims(template: ForgeryTemplate): JWTPayload {
  // A `jti` as every access token the server accepts has one (auth/tokenShape.ts), so only the forgery's flaw is wrong.
  return { iss: template.issuer, aud: template.audience, sub: 'e2e-forged-subject', client_id: 'neonpanel-e2e', scope: template.scope, jti: 'e2e-forged-token' };
}

/** Signed with a key generated on the spot, which no server can know. */
async function signWithThrowawayKey(template: ForgeryTemplate, expiresAt: number, issuedAt: number): Promise<string> {
  const alg = template.alg && SIGNING_ALGORITHMS.has(template.alg) ? template.alg : DEFAULT_ALG;
  const { privateKey } = await generateKeyPair(alg);
  return new SignJWT(claims(template))
    .setProtectedHeader({ alg, typ: 'at+jwt', ...(template.kid ? { kid: template.kid } : {}) })
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAt)
    .sign(privateKey);
}

export async function forgeToken(forgery: Forgery, template: ForgeryTemplate, nowSeconds = Math.floor(Date.now() / 1000)): Promise<string> {
  switch (forgery) {
    case 'alg-none':
      return new UnsecuredJWT(claims(template)).setIssuedAt(nowSeconds).setExpirationTime(nowSeconds + 600).encode();
    case 'expired':
      return signWithThrowawayKey(template, nowSeconds - 3600, nowSeconds - 7200);
    case 'wrong-signature':
      return signWithThrowawayKey(template, nowSeconds + 600, nowSeconds);
  }
}

/** What a real JWT tells about the server's expectations; undefined for an opaque token. */
export function templateFromToken(token: string): Partial<ForgeryTemplate> | undefined {
  try {
    const header = decodeProtectedHeader(token);
    const payload = decodeJwt(token);
    const aud = Array.isArray(payload.aud) ? payload.aud[0] : payload.aud;
    return {
      ...(typeof payload.iss === 'string' ? { issuer: payload.iss } : {}),
      ...(typeof aud === 'string' ? { audience: aud } : {}),
      ...(typeof payload['scope'] === 'string' ? { scope: payload['scope'] } : {}),
      ...(header.kid ? { kid: header.kid } : {}),
      ...(header.alg ? { alg: header.alg } : {}),
    };
  } catch {
    return undefined;
  }
}

/**
 * The token with its claims changed and its signature kept: a JWT gets another `sub`; an
 * opaque token gets its last character changed (still a valid b64token).
 */
export function tamperToken(token: string): string {
  const parts = token.split('.');
  if (parts.length === 3) {
    try {
      const payload = JSON.parse(new TextDecoder().decode(base64url.decode(parts[1]!))) as Record<string, unknown>;
      payload['sub'] = `${String(payload['sub'] ?? '')}-tampered`;
      return [parts[0], base64url.encode(JSON.stringify(payload)), parts[2]].join('.');
    } catch {
      // not a JWT after all: fall through to the opaque form
    }
  }
  const last = token.at(-1);
  return `${token.slice(0, -1)}${last === 'A' ? 'B' : 'A'}`;
}
