/**
 * The forgeries are what they claim to be: each is wrong in exactly one way.
 */
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, jwtVerify, createLocalJWKSet, errors } from 'jose';
import { forgeToken, tamperToken, templateFromToken } from '../src/tokens.js';

const template = { issuer: 'https://issuer.example', audience: 'https://mcp.example', scope: 'read:inventory', kid: 'key-1', alg: 'ES256' };
const now = Math.floor(Date.now() / 1000);

describe('forged tokens', () => {
  it('alg none: unsigned, with the real issuer and audience', async () => {
    const token = await forgeToken('alg-none', template, now);
    expect(decodeProtectedHeader(token).alg).toBe('none');
    expect(token.endsWith('.')).toBe(true);
    expect(decodeJwt(token)).toMatchObject({ iss: template.issuer, aud: template.audience, scope: 'read:inventory' });
    expect(decodeJwt(token).exp).toBeGreaterThan(now);
  });

  it('expired: signed, with exp an hour ago', async () => {
    const token = await forgeToken('expired', template, now);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES256', kid: 'key-1' });
    expect(decodeJwt(token).exp).toBe(now - 3600);
  });

  it('wrong signature: the trusted key id, a key nobody trusts', async () => {
    const trusted = await generateKeyPair('ES256');
    const jwks = createLocalJWKSet({ keys: [{ ...(await exportJWK(trusted.publicKey)), kid: 'key-1', alg: 'ES256' }] });
    const token = await forgeToken('wrong-signature', template, now);
    expect(decodeProtectedHeader(token).kid).toBe('key-1');
    await expect(jwtVerify(token, jwks)).rejects.toBeInstanceOf(errors.JWSSignatureVerificationFailed);
  });

  it('uses an RSA key when the server signs with RS256', async () => {
    const token = await forgeToken('wrong-signature', { ...template, alg: 'RS256' }, now);
    expect(decodeProtectedHeader(token).alg).toBe('RS256');
  });
});

describe('tampering', () => {
  it('changes a JWT payload and keeps header and signature', async () => {
    const token = await forgeToken('wrong-signature', template, now);
    const tampered = tamperToken(token);
    const [h1, p1, s1] = token.split('.');
    const [h2, p2, s2] = tampered.split('.');
    expect([h2, s2]).toEqual([h1, s1]);
    expect(p2).not.toBe(p1);
    expect(decodeJwt(tampered).sub).toBe('e2e-forged-subject-tampered');
  });

  it('changes an opaque token and keeps it a valid b64token', () => {
    const tampered = tamperToken('opaqueTokenA');
    expect(tampered).not.toBe('opaqueTokenA');
    expect(tampered).toMatch(/^[A-Za-z0-9\-._~+/]+=*$/);
  });

  it('learns issuer, audience, scope, kid and alg from a real JWT, and nothing from an opaque token', async () => {
    const token = await forgeToken('wrong-signature', template, now);
    expect(templateFromToken(token)).toEqual(template);
    expect(templateFromToken('opaque')).toBeUndefined();
  });
});
