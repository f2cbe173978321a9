/** The consent page can describe every scope the server advertises. */
import { describe, expect, it } from '@jest/globals';
import { DEFAULT_SCOPES } from '../../src/config.js';
import { SCOPE_DESCRIPTIONS } from '../../src/dev/authServer/scopes.js';
import { DEMO_USERS } from '../../src/dev/demoUsers.js';

describe('scopes of the development stack', () => {
  it('every default scope has a consent description', () => {
    expect(DEFAULT_SCOPES.filter((s) => !(s in SCOPE_DESCRIPTIONS))).toEqual([]);
  });

  it('alice holds every default scope; bob only read scopes, documents and catalogue among them', () => {
    const [alice, bob] = DEMO_USERS;
    expect([...alice!.scopes].sort()).toEqual([...DEFAULT_SCOPES].sort());
    expect(bob!.scopes.every((s) => s.startsWith('read:'))).toBe(true);
    expect(bob!.scopes).toEqual(expect.arrayContaining(['read:documents', 'read:catalogue']));
  });
});
