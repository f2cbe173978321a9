import fc from 'fast-check';
import { MAX_TOKEN_LENGTH, authorizationValues, parseBearer } from '../../src/auth/bearerHeader.js';

/*
 * An oracle for RFC 6750 §2.1, written character by character so it shares nothing with the
 * regular expressions under test:
 *
 *   credentials = "Bearer" 1*SP b64token
 *   b64token    = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
 *
 * The input is a field value as Node hands it over: Node has already stripped the optional
 * whitespace (SP / HTAB) around it, so the oracle strips nothing.
 */
const TOKEN_CHARS = new Set('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/');

function isB64token(s: string): boolean {
  let i = 0;
  while (i < s.length && TOKEN_CHARS.has(s[i]!)) i++;
  if (i === 0) return false;
  while (i < s.length && s[i] === '=') i++;
  return i === s.length;
}

function isBearerScheme(s: string): boolean {
  const expected = 'bearer';
  if (s.length !== expected.length) return false;
  for (let i = 0; i < expected.length; i++) {
    const c = s.charCodeAt(i);
    const lower = c >= 0x41 && c <= 0x5a ? c + 0x20 : c; // ASCII-only case folding
    if (lower !== expected.charCodeAt(i)) return false;
  }
  return true;
}

/** The token a single header value carries under the grammar, or undefined if it is outside it. */
function oracleToken(value: string): string | undefined {
  if (!isBearerScheme(value.slice(0, 6))) return undefined;
  let i = 6;
  if (value[i] !== ' ') return undefined;
  while (value[i] === ' ') i++;
  const token = value.slice(i);
  return isB64token(token) ? token : undefined;
}

describe('parseBearer: RFC 6750 header grammar', () => {
  test.each(['Bearer', 'bearer', 'BEARER', 'BeArEr', 'bEARER'])('the scheme %s is matched case-insensitively', (scheme) => {
    expect(parseBearer([`${scheme} abc.DEF-123_~+/`])).toEqual({ kind: 'token', token: 'abc.DEF-123_~+/' });
  });

  test('one or more spaces separate scheme and token', () => {
    expect(parseBearer(['Bearer  tok'])).toEqual({ kind: 'token', token: 'tok' });
    expect(parseBearer(['Bearer          tok'])).toEqual({ kind: 'token', token: 'tok' });
  });

  test('a real JWT-shaped token passes whole', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl';
    expect(parseBearer([`Bearer ${jwt}`])).toEqual({ kind: 'token', token: jwt });
  });

  test('trailing "=" padding is part of the token', () => {
    expect(parseBearer(['Bearer abc='])).toEqual({ kind: 'token', token: 'abc=' });
    expect(parseBearer(['Bearer abc=='])).toEqual({ kind: 'token', token: 'abc==' });
  });

  test.each([
    ['"=" alone', 'Bearer ='],
    ['"=" before other characters', 'Bearer a=b'],
    ['padding only', 'Bearer =='],
    ['a space inside the token', 'Bearer abc def'],
    ['a comma', 'Bearer abc,def'],
    ['a double quote', 'Bearer "abc"'],
    ['a backslash', 'Bearer ab\\c'],
    ['a semicolon', 'Bearer abc;'],
    ['a non-ASCII letter', 'Bearer abcé'],
    ['a control character', 'Bearer abc\u0001def'],
    ['a tab inside', 'Bearer abc\tdef'],
    ['a trailing no-break space (obs-text Node does not strip)', 'Bearer abc\u00a0'],
    ['a trailing vertical tab', 'Bearer abc\u000b'],
    ['a trailing line separator', 'Bearer abc\u2028'],
    ['a trailing space (Node strips it before this function runs)', 'Bearer abc '],
  ])('a bearer credential with %s is malformed, not a token', (_label, header) => {
    const result = parseBearer([header]);
    expect(result.kind).toBe('malformed');
  });

  test('"Bearer" alone and "Bearer " with an empty token are malformed', () => {
    expect(parseBearer(['Bearer']).kind).toBe('malformed');
    expect(parseBearer(['Bearer ']).kind).toBe('malformed');
    expect(parseBearer(['bearer    ']).kind).toBe('malformed');
  });

  test('"BearerTOKEN123" (no space) is another scheme, so no usable credentials', () => {
    expect(parseBearer(['BearerTOKEN123'])).toEqual({ kind: 'absent' });
  });

  test('a tab is not the separator the grammar allows', () => {
    expect(parseBearer(['Bearer\tabc']).kind).not.toBe('token');
  });

  test('other schemes are no credentials at all (no error code in the challenge)', () => {
    expect(parseBearer(['Basic dXNlcjpwYXNz'])).toEqual({ kind: 'absent' });
    expect(parseBearer(['Token abc'])).toEqual({ kind: 'absent' });
    expect(parseBearer(['abc'])).toEqual({ kind: 'absent' });
    expect(parseBearer([''])).toEqual({ kind: 'absent' });
  });

  test('no Authorization header at all is absent', () => {
    expect(parseBearer([])).toEqual({ kind: 'absent' });
  });

  test('two Authorization headers are refused, even when both are well-formed', () => {
    const result = parseBearer(['Bearer a', 'Bearer a']);
    expect(result).toEqual({ kind: 'malformed', reason: 'More than one Authorization header was sent.' });
  });

  test('a token longer than the bound is malformed without being matched', () => {
    expect(parseBearer([`Bearer ${'a'.repeat(MAX_TOKEN_LENGTH)}`])).toEqual({ kind: 'token', token: 'a'.repeat(MAX_TOKEN_LENGTH) });
    expect(parseBearer([`Bearer ${'a'.repeat(MAX_TOKEN_LENGTH + 100)}`])).toEqual({ kind: 'malformed', reason: 'The bearer token is too long.' });
  });
  test('hostile header values near Node\'s 16 KiB header limit are parsed in linear time', () => {
    const n = 16_000;
    const hostile = [
      `Bearer ${' '.repeat(n)}x y`,
      `Bearer ${'a'.repeat(n)} `,
      `Bearer ${'='.repeat(n)}a`,
      `Bearer a${'='.repeat(n)}!`,
      `bearer ${' \t'.repeat(n / 2)}`,
    ];
    const started = performance.now();
    for (let i = 0; i < 20; i++) for (const value of hostile) expect(parseBearer([value]).kind).toBe('malformed');
    // A quadratic pattern takes hundreds of milliseconds per value at this size.
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('authorizationValues', () => {
  test('collects every Authorization line, whatever its case, and nothing else', () => {
    const raw = ['Host', 'example', 'authorization', 'Bearer a', 'X-Authorization', 'Bearer x', 'AUTHORIZATION', 'Bearer b', 'Accept', '*/*'];
    expect(authorizationValues(raw)).toEqual(['Bearer a', 'Bearer b']);
  });

  test('no Authorization header gives an empty list', () => {
    expect(authorizationValues(['Host', 'example'])).toEqual([]);
  });
});

describe('parseBearer properties', () => {
  const tokenChar = fc.constantFrom(...TOKEN_CHARS);
  // Pieces that sit on the grammar's edges: near-miss schemes, separators, token characters
  // mixed with characters a token may not contain, and whitespace Node would or would not strip.
  const scheme = fc.constantFrom('Bearer', 'bearer', 'BEARER', 'BeArEr', 'Bearer:', 'Bearerx', 'Basic', 'Bear', 'Bearer\u0000', 'ßearer', 'Bearer\u212a', '');
  const separator = fc.constantFrom('', ' ', '  ', '\t', ' \t', '\u00a0', '\n', '\r\n', '\u3000', '\ufeff', ',');
  const hostileChar = fc.constantFrom('=', ' ', '"', ',', '\\', '\t', '\n', '\u00a0', '\ufeff', '\u2028', 'é', '\u0000', '\u{1F600}', '%', '*');
  const tokenish = fc.array(fc.oneof({ weight: 6, arbitrary: tokenChar }, { weight: 1, arbitrary: hostileChar }), { maxLength: 40 }).map((cs) => cs.join(''));
  const padding = fc.constantFrom('', '=', '==', '===');
  const edge = fc.constantFrom('', ' ', '\t', '\u00a0', '\n', '\u2028', '\ufeff', '\u000b', '\u000c', '\u0085');
  const structured = fc.tuple(edge, scheme, separator, tokenish, padding, edge).map((parts) => parts.join(''));
  const anyValue = fc.oneof(structured, fc.string(), fc.string({ unit: 'binary' }));

  test('(a) every accepted token matches the b64token grammar exactly, and is what the grammar extracts', () => {
    fc.assert(
      fc.property(anyValue, (value) => {
        const result = parseBearer([value]);
        if (result.kind === 'token') {
          expect(isB64token(result.token)).toBe(true);
          expect(result.token).toBe(oracleToken(value));
        }
      }),
      { numRuns: 3000 },
    );
  });

  test('(b) no header value outside the grammar is ever accepted, and every one inside it is', () => {
    fc.assert(
      fc.property(anyValue, (value) => {
        const expected = oracleToken(value);
        const result = parseBearer([value]);
        if (expected === undefined) expect(result.kind).not.toBe('token');
        else expect(result).toEqual({ kind: 'token', token: expected });
      }),
      { numRuns: 3000 },
    );
  });

  test('(b) two or more Authorization values are never accepted', () => {
    fc.assert(
      fc.property(fc.array(anyValue, { minLength: 2, maxLength: 4 }), (values) => {
        expect(parseBearer(values).kind).toBe('malformed');
      }),
      { numRuns: 500 },
    );
  });
});
