import { describe, expect, it } from '@jest/globals';
import { sdkRequestEntry } from '../../src/mcp/sdkRequestEntry.js';

describe('sdkRequestEntry', () => {
  it('returns the server\'s own _onrequest, bound to it', () => {
    const seen: unknown[] = [];
    const server = {
      name: 'a server',
      _onrequest(this: { name: string }, request: unknown, extra: unknown) {
        seen.push(this.name, request, extra);
      },
    };
    sdkRequestEntry<string, number>(server, 'sdk')('req', 1);
    expect(seen).toEqual(['a server', 'req', 1]);
  });

  it('refuses to start when the SDK no longer has the entry point, naming the package', () => {
    expect(() => sdkRequestEntry({}, '@modelcontextprotocol/sdk')).toThrow('@modelcontextprotocol/sdk no longer has Protocol._onrequest');
  });
});
