/**
 * The repository keeps its own copy of NeonPanel's OpenAPI document so the build never
 * reads ../shared. Where the published copy sits beside the checkout (CI, developers'
 * machines), the two must be identical, or the types and the sandbox drift from the contract.
 */
import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const copy = fileURLToPath(new URL('../../openapi/neonpanel.openapi.json', import.meta.url));
const published = fileURLToPath(new URL('../../../../../shared/neonpanel/openapi.json', import.meta.url));

describe('the NeonPanel contract copy', () => {
  it('is NeonPanel API 1.2.0-beta, OpenAPI 3.1', () => {
    const doc = JSON.parse(readFileSync(copy, 'utf8')) as { openapi: string; info: { title: string; version: string } };
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.info).toMatchObject({ title: 'NeonPanel API', version: '1.2.0-beta' });
  });

  it('matches the published document when it is beside the checkout', () => {
    const besideCheckout = existsSync(published);
    const same = besideCheckout ? readFileSync(copy, 'utf8') === readFileSync(published, 'utf8') : true;
    expect({ besideCheckout, same }).toEqual({ besideCheckout, same: true });
  });
});
