/**
 * Errors a protected request can end with. They carry their HTTP status and OAuth error
 * code, so the HTTP layer maps them without knowing where they came from.
 */
export type AuthErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope' | 'temporarily_unavailable';

/**
 * Why a request was refused, for operators (metrics): a fixed, low-cardinality list. Each is
 * decided where the refusal is decided (bearer grammar, verifiers, audience policy, scope
 * checks) and carried on the error, so the answer and the count come from one place.
 */
export const AUTH_FAILURE_REASONS = [
  'missing',
  'malformed',
  'expired',
  'not_yet_valid',
  'wrong_issuer',
  'wrong_audience',
  'client_not_allowed',
  'bad_signature',
  'unknown_key',
  'disallowed_algorithm',
  'invalid_claims',
  /** An ID token, a refresh token, or a JWT without an access token's shape (auth/tokenShape.ts). */
  'not_access_token',
  'inactive',
  'insufficient_scope',
  'verifier_unavailable',
  'upstream_rejected',
] as const;
export type AuthFailureReason = (typeof AUTH_FAILURE_REASONS)[number];

export class AuthError extends Error {
  constructor(
    readonly code: AuthErrorCode,
    readonly status: 400 | 401 | 403 | 503,
    message: string,
    /** Why, in the fixed vocabulary operators count by. */
    readonly reason: AuthFailureReason,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

/** No usable credentials were presented: RFC 6750 §3.1 says the challenge then carries no error code. */
export class MissingCredentialsError extends AuthError {
  constructor() {
    super('invalid_token', 401, "Unsupported authorization header. Use 'Authorization: Bearer <token>'.", 'missing');
    this.name = 'MissingCredentialsError';
  }
}

export class InvalidTokenError extends AuthError {
  constructor(message = 'The access token is invalid.', reason: AuthFailureReason = 'invalid_claims') {
    super('invalid_token', 401, message, reason);
    this.name = 'InvalidTokenError';
  }
}

export class InsufficientScopeError extends AuthError {
  constructor(readonly requiredScopes: string[], message?: string) {
    super('insufficient_scope', 403, message ?? `This operation needs the scope: ${requiredScopes.join(' ')}.`, 'insufficient_scope');
    this.name = 'InsufficientScopeError';
  }
}

/** The token may well be fine; we could not check it (JWKS or introspection down). */
export class VerifierUnavailableError extends AuthError {
  constructor(readonly retryAfterSeconds = 5) {
    super('temporarily_unavailable', 503, 'The authorization server could not be reached to verify the token. Try again shortly.', 'verifier_unavailable');
    this.name = 'VerifierUnavailableError';
  }
}
