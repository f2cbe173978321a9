/**
 * The verifier of our own tokens: signing-key rotation (the first key signs, every listed
 * key verifies), and a live grant required on every request even when the signature is cached.
 */
import { importJWK, SignJWT, type JWK } from 'jose';
import { generateSigningJwk, publicJwks } from '../../../src/auth/broker/signingKeys.js';
import { createBrokerVerifier } from '../../../src/auth/broker/ourTokenVerifier.js';
import { InvalidTokenError } from '../../../src/auth/errors.js';

const ISSUER = 'https://mcp.example.com';
const live = new Set(['g1']);
const vault = { load: async (grantId: string) => (live.has(grantId) ? ({} as never) : undefined) };

async function token(key: JWK, grantId = 'g1'): Promise<string> {
  return new SignJWT({ grant_id: grantId, client_id: 'c', scope: 'read:companies' })
    .setProtectedHeader({ alg: key.alg!, kid: key.kid!, typ: 'at+jwt' })
    .setIssuer(ISSUER).setAudience(`${ISSUER}/mcp`).setSubject('u').setJti('j').setIssuedAt().setExpirationTime('5m')
    .sign(await importJWK(key, key.alg));
}

function verifierFor(keys: JWK[]) {
  return createBrokerVerifier({
    issuer: ISSUER, audiences: [`${ISSUER}/mcp`], publicJwks: publicJwks(keys), algorithms: ['ES256'],
    clockSkewSeconds: 5, vault, cache: { max: 100, maxTtlSeconds: 300 },
  });
}

describe('our token verifier', () => {
  it('verifies with every listed key, so a rotation keeps old tokens valid until they expire', async () => {
    const [fresh, old, dropped] = await Promise.all([generateSigningJwk(), generateSigningJwk(), generateSigningJwk()]);
    const rotated = verifierFor([fresh!, old!]);
    expect((await rotated.verifyAccessToken(await token(old!))).extra?.['grantId']).toBe('g1');
    expect((await rotated.verifyAccessToken(await token(fresh!))).scopes).toEqual(['read:companies']);
    await expect(rotated.verifyAccessToken(await token(dropped!))).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it('asks for a live grant on every request, even with the signature cached', async () => {
    const key = await generateSigningJwk();
    const verifier = verifierFor([key]);
    live.add('g2');
    const t = await token(key, 'g2');
    await verifier.verifyAccessToken(t);
    live.delete('g2');
    await expect(verifier.verifyAccessToken(t)).rejects.toThrow(/revoked/);
  });

  it('never hands out a private key part in the public JWKS', async () => {
    const key = await generateSigningJwk('RS256');
    const [pub] = publicJwks([key]).keys;
    expect(pub).toMatchObject({ kid: key.kid, alg: 'RS256', use: 'sig' });
    for (const part of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(pub).not.toHaveProperty(part);
  });
});
