import fc from 'fast-check';
import { buildChallenge, REALM } from '../../src/auth/challenge.js';
import { parseChallenge } from '../helpers/challenge.js';

const METADATA = 'https://mcp.example.com/.well-known/oauth-protected-resource';

describe('buildChallenge', () => {
  test('no credentials: realm, scope and resource_metadata, and no error code (RFC 6750 §3.1)', () => {
    const header = buildChallenge({ resourceMetadataUrl: METADATA, scope: 'read:inventory read:companies' });
    expect(header).toBe(`Bearer realm="mcp", scope="read:inventory read:companies", resource_metadata="${METADATA}"`);
    const parsed = parseChallenge(header);
    expect(parsed.params['error']).toBeUndefined();
    expect(parsed.params['error_description']).toBeUndefined();
  });

  test('a description without an error code is not sent: it would contradict §3.1', () => {
    const header = buildChallenge({ resourceMetadataUrl: METADATA, errorDescription: 'ignored' });
    expect(header).toBe(`Bearer realm="mcp", resource_metadata="${METADATA}"`);
  });

  test('invalid_token carries its description', () => {
    const header = buildChallenge({
      resourceMetadataUrl: METADATA,
      scope: 'read:inventory',
      error: 'invalid_token',
      errorDescription: 'The access token has expired.',
    });
    expect(header).toBe(
      `Bearer realm="mcp", error="invalid_token", error_description="The access token has expired.", scope="read:inventory", resource_metadata="${METADATA}"`,
    );
  });

  test('insufficient_scope names the scope needed', () => {
    const header = buildChallenge({
      resourceMetadataUrl: METADATA,
      scope: 'write:import',
      error: 'insufficient_scope',
      errorDescription: 'This operation needs the scope: write:import.',
    });
    const parsed = parseChallenge(header);
    expect(parsed.scheme).toBe('Bearer');
    expect(parsed.params).toEqual({
      realm: REALM,
      error: 'insufficient_scope',
      error_description: 'This operation needs the scope: write:import.',
      scope: 'write:import',
      resource_metadata: METADATA,
    });
  });

  test('characters that would break out of a quoted value are dropped, not passed through', () => {
    const header = buildChallenge({
      resourceMetadataUrl: METADATA,
      scope: 'a"b\\c',
      error: 'invalid_token',
      errorDescription: 'bad", error="insufficient_scope\r\nSet-Cookie: x=1 \\ é\u0000',
    });
    const parsed = parseChallenge(header);
    expect(parsed.params['error']).toBe('invalid_token');
    expect(parsed.params['error_description']).toBe('bad, error=insufficient_scopeSet-Cookie: x=1  ');
    expect(parsed.params['scope']).toBe('abc');
    expect(parsed.names.filter((n) => n === 'error')).toHaveLength(1);
    expect(header).not.toMatch(/[\r\n\u0000é]/);
  });

  test('any description and scope still yield one well-formed challenge with the same parameters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ maxLength: 40 }), (description, scope) => {
        const parsed = parseChallenge(buildChallenge({
          resourceMetadataUrl: METADATA,
          scope: `read:x ${scope}`,
          error: 'invalid_token',
          errorDescription: `d${description}`,
        }));
        expect(parsed.names).toEqual(['realm', 'error', 'error_description', 'scope', 'resource_metadata']);
        expect(parsed.params['error']).toBe('invalid_token');
        expect(parsed.params['resource_metadata']).toBe(METADATA);
      }),
      { numRuns: 500 },
    );
  });
});
