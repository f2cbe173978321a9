/**
 * A strict parser for the one `WWW-Authenticate` shape this server sends:
 * `Bearer name="value", name="value", …` with values free of `"` and `\`.
 *
 * Written here rather than taken from a library on purpose: it is the tests' independent
 * oracle, and it must refuse anything looser than RFC 6750 §3 (an unquoted value, an escape,
 * a stray comma) instead of accepting it the way a lenient general-purpose parser would.
 */
export interface ParsedChallenge {
  scheme: string;
  params: Record<string, string>;
  /** Parameter names in the order they appear, repeats included. */
  names: string[];
}

const PARAM = /^([A-Za-z_][A-Za-z0-9_-]*)="([\x20\x21\x23-\x5B\x5D-\x7E]*)"/;

export function parseChallenge(header: string | undefined): ParsedChallenge {
  if (header === undefined) throw new Error('no WWW-Authenticate header');
  const schemeEnd = header.indexOf(' ');
  if (schemeEnd <= 0) throw new Error(`challenge without parameters: ${header}`);
  const scheme = header.slice(0, schemeEnd);
  let rest = header.slice(schemeEnd + 1);
  const params: Record<string, string> = {};
  const names: string[] = [];
  for (;;) {
    const match = PARAM.exec(rest);
    if (!match) throw new Error(`unparseable challenge parameter at: ${rest}`);
    const [whole, name, value] = match;
    names.push(name!);
    params[name!] = value!;
    rest = rest.slice(whole.length);
    if (rest === '') break;
    if (!rest.startsWith(', ')) throw new Error(`expected ", " between parameters at: ${rest}`);
    rest = rest.slice(2);
  }
  return { scheme, params, names };
}

/** What a 401 or 403 from this server must look like, beyond its status. */
export interface ExpectedChallenge {
  /** PUBLIC_BASE_URL of the server under test. */
  base: string;
  /** Absent for "no credentials" (RFC 6750 §3.1). */
  error?: 'invalid_token' | 'insufficient_scope';
  /** The scope the challenge must name; the server's scope set by default. */
  scope: string;
}

/**
 * Checks a challenge header against RFC 6750 §3 / RFC 9728 §5.1 and returns its parameters.
 * Uses expect-free checks that throw, so it can run inside fast-check properties too.
 */
export function checkChallenge(header: string | undefined, expected: ExpectedChallenge): Record<string, string> {
  const parsed = parseChallenge(header);
  const fail = (what: string) => {
    throw new Error(`${what} in challenge: ${header}`);
  };
  if (parsed.scheme !== 'Bearer') fail('scheme is not Bearer');
  if (parsed.params['realm'] !== 'mcp') fail('realm is not "mcp"');
  if (parsed.params['resource_metadata'] !== `${expected.base}/.well-known/oauth-protected-resource`) fail('wrong resource_metadata');
  if (parsed.params['scope'] !== expected.scope) fail(`scope is not "${expected.scope}"`);
  if (parsed.params['error'] !== expected.error) fail(`error is not ${expected.error ?? 'absent'}`);
  if (expected.error === undefined && parsed.params['error_description'] !== undefined) fail('error_description without an error');
  if (expected.error !== undefined && !parsed.params['error_description']) fail('no error_description');
  if (new Set(parsed.names).size !== parsed.names.length) fail('a repeated parameter');
  return parsed.params;
}
