/**
 * Middleware for RFC 6750 bearer authentication: parse → verify → `req.auth`. Plain node:http
 * (src/nodeHttp.ts), so it runs on the `/mcp` fast path and under Express alike.
 *
 * Our own rather than the SDK's `requireBearerAuth`, which answers a request with no
 * credentials with `error="invalid_token"` (RFC 6750 §3.1 says no error code), splits the
 * header on one space, omits `realm`, and has no 503 path for a verifier outage.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson, type Handler } from '../nodeHttp.js';
import type { AuthInfo, TokenVerifier } from './types.js';
import { authorizationValues, parseBearer } from './bearerHeader.js';
import { buildChallenge } from './challenge.js';
import { AuthError, type AuthFailureReason, InsufficientScopeError, InvalidTokenError, MissingCredentialsError, VerifierUnavailableError } from './errors.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by `requireBearer` once the token is verified. */
      auth?: AuthInfo;
    }
  }
}

/** A request once `requireBearer` has run: `auth` is always set past it. */
export type AuthenticatedRequest = IncomingMessage & { auth?: AuthInfo };

export interface ChallengeContext {
  resourceMetadataUrl: string;
  /** Scopes named in a 401 challenge: what a client should ask for to use this resource. */
  scopes: readonly string[];
  /**
   * The scopes a 403 challenge names for a missing tool scope: ones the authorization server
   * really issues (under `neonpanel`, `openid`, which grants it). Default: the tool scope itself.
   */
  insufficientScope?(required: readonly string[]): string;
  /** Told of every refusal this context answers, by reason (the operator's count); absent when nobody counts. */
  onRefusal?(reason: AuthFailureReason): void;
}

/** Writes the response for an auth failure: status, challenge and a JSON body. */
export function sendAuthError(res: ServerResponse, error: AuthError, context: ChallengeContext): void {
  context.onRefusal?.(error.reason);
  const headers: Record<string, string> = { 'Cache-Control': 'no-store' };
  if (error instanceof VerifierUnavailableError) {
    headers['Retry-After'] = String(error.retryAfterSeconds);
  } else if (error instanceof InsufficientScopeError) {
    headers['WWW-Authenticate'] = buildChallenge({
      resourceMetadataUrl: context.resourceMetadataUrl,
      scope: context.insufficientScope?.(error.requiredScopes) ?? error.requiredScopes.join(' '),
      error: 'insufficient_scope',
      errorDescription: error.message,
    });
  } else {
    headers['WWW-Authenticate'] = buildChallenge({
      resourceMetadataUrl: context.resourceMetadataUrl,
      scope: context.scopes.join(' '),
      ...(error instanceof MissingCredentialsError ? {} : { error: 'invalid_token', errorDescription: error.message }),
    });
  }
  sendJson(res, error.status, { error: error.code, error_description: error.message }, headers);
}

/** Verifies the request's bearer token, or returns the `AuthError` that refuses it. */
export async function authenticate(req: IncomingMessage, verifier: TokenVerifier): Promise<AuthInfo> {
  const parsed = parseBearer(authorizationValues(req.rawHeaders));
  if (parsed.kind === 'absent') throw new MissingCredentialsError();
  if (parsed.kind === 'malformed') throw new InvalidTokenError(parsed.reason, 'malformed');
  return verifier.verifyAccessToken(parsed.token);
}

export interface RequireBearerOptions extends ChallengeContext {
  verifier: TokenVerifier;
  /** Called for failures that are not auth decisions (bugs); they become a 500. */
  onUnexpectedError?: (error: unknown) => void;
}

export function requireBearer(options: RequireBearerOptions): Handler<AuthenticatedRequest> {
  const { verifier } = options;
  return (req, res, next) => {
    authenticate(req, verifier).then(
      (auth) => {
        req.auth = auth;
        next();
      },
      (error: unknown) => {
        if (error instanceof AuthError) sendAuthError(res, error, options);
        else {
          options.onUnexpectedError?.(error);
          next(error);
        }
      },
    );
  };
}

/** True when the token carries every scope in `required`. */
export function hasScopes(auth: AuthInfo, required: readonly string[]): boolean {
  return required.every((scope) => auth.scopes.includes(scope));
}
