/**
 * How the sandbox decides who a bearer token belongs to, as the real API does with its own
 * tokens. `pnpm dev` uses the JWKS of the development authorization server; tests can use a
 * fixed token → subject table.
 */
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { ASYMMETRIC_ALGORITHMS } from '../../config.js';
import { jwtShapeProblem } from '../../auth/tokenShape.js';

/** Resolves to the token's subject, or undefined when the token is not acceptable. */
export type SandboxTokenVerifier = (token: string) => Promise<{ subject: string } | undefined>;

export interface JwksTokenVerifierOptions {
  issuer: string;
  jwksUri: string;
  /** Accepted `aud` values; default: any audience (NeonPanel is first-party, see README). */
  audience?: string | string[];
  /** Allowed clock skew. Default 30 s. */
  clockToleranceSeconds?: number;
}

/**
 * Verifies JWT access tokens against a JWKS with jose: signature, issuer, expiry and `sub`,
 * and an access token's shape as NeonPanel requires it (Passport finds a token by its `jti`,
 * so an ID token never works at the API).
 */
export function jwksTokenVerifier(options: JwksTokenVerifierOptions): SandboxTokenVerifier {
  const jwks = createRemoteJWKSet(new URL(options.jwksUri));
  return async (token) => {
    try {
      const { payload, protectedHeader } = await jwtVerify(token, jwks, {
        issuer: options.issuer,
        algorithms: [...ASYMMETRIC_ALGORITHMS],
        clockTolerance: options.clockToleranceSeconds ?? 30,
        ...(options.audience === undefined ? {} : { audience: options.audience }),
      });
      if (jwtShapeProblem(protectedHeader, payload, { profile: 'neonpanel', acceptPlainJwt: true })) return undefined;
      return typeof payload.sub === 'string' && payload.sub !== '' ? { subject: payload.sub } : undefined;
    } catch {
      return undefined;
    }
  };
}

/** A fixed table of opaque tokens, for tests: `{ 'alice-token': 'user-alice-0001' }`. */
export function staticTokenVerifier(tokens: Record<string, string>): SandboxTokenVerifier {
  const table = new Map(Object.entries(tokens));
  return async (token) => {
    const subject = table.get(token);
    return subject === undefined ? undefined : { subject };
  };
}
