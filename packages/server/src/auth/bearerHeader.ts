/**
 * RFC 6750 §2.1 header grammar, as a pure function over every Authorization value the
 * client sent.
 *
 *   credentials = "Bearer" 1*SP b64token
 *   b64token    = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
 *
 * Written here rather than taken from the SDK: its `requireBearerAuth` splits on a single
 * space, so `Bearer  x` fails and `Bearer x y` passes as "x", and it cannot tell "no
 * credentials" (no error code, §3.1) from "bad credentials" (`invalid_token`).
 */

/** Longer than any real JWT or opaque token; bounds the work done on hostile input. */
export const MAX_TOKEN_LENGTH = 8192;

const BEARER = /^bearer +([A-Za-z0-9\-._~+/]+=*)$/i;
const BEARER_SCHEME = /^bearer(?: |$)/i;

export type BearerParseResult =
  /** No Authorization header, or a scheme other than Bearer: the client sent no usable credentials. */
  | { kind: 'absent' }
  /** A Bearer credential was attempted but is not well-formed. */
  | { kind: 'malformed'; reason: string }
  | { kind: 'token'; token: string };

export function parseBearer(authorizationValues: readonly string[]): BearerParseResult {
  if (authorizationValues.length === 0) return { kind: 'absent' };
  if (authorizationValues.length > 1) return { kind: 'malformed', reason: 'More than one Authorization header was sent.' };
  // Not trimmed: Node already strips the optional whitespace (SP / HTAB) around a field value,
  // and String#trim would also drop NBSP (obs-text on the wire), accepting `Bearer abc\xa0`.
  const value = authorizationValues[0]!;
  if (!BEARER_SCHEME.test(value)) return { kind: 'absent' };
  if (value.length > MAX_TOKEN_LENGTH + 16) return { kind: 'malformed', reason: 'The bearer token is too long.' };
  const match = BEARER.exec(value);
  if (!match) return { kind: 'malformed', reason: 'The bearer token is empty or has characters a token may not contain.' };
  return { kind: 'token', token: match[1]! };
}

/** Every Authorization value of a Node request; Node itself keeps only the first one. */
export function authorizationValues(rawHeaders: readonly string[]): string[] {
  const values: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length === 13 && name.toLowerCase() === 'authorization') values.push(rawHeaders[i + 1] ?? '');
  }
  return values;
}
