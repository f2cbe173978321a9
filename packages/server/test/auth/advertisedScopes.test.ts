import { advertisedScopesFor } from '../../src/auth/advertisedScopes.js';
import { staticMetadataSource, type MetadataSource } from '../../src/auth/authorizationServerMetadata.js';
import { loadConfig } from '../../src/config.js';

test('follows the issuer metadata, and returns the same array until the document changes', () => {
  let doc: Record<string, unknown> & { issuer: string } = { issuer: 'http://localhost:3031', scopes_supported: ['openid'] };
  const source: MetadataSource = { ...staticMetadataSource(doc), current: () => doc };
  const advertised = advertisedScopesFor(loadConfig({ OAUTH_PROFILE: 'neonpanel' }), ['read:inventory', 'read:companies'], source);
  const first = advertised();
  expect(first).toEqual(['openid']);
  expect(advertised()).toBe(first);
  doc = { ...doc, scopes_supported: ['openid', 'read:inventory'] };
  expect(advertised()).toEqual(['openid', 'read:inventory']);
});

test('standard without OAUTH_SCOPES advertises the original nine and any new tool scope', () => {
  const advertised = advertisedScopesFor(loadConfig({}), ['read:inventory', 'read:documents']);
  expect(advertised()).toContain('write:import');
  expect(advertised()).toContain('read:documents');
  expect(advertised()).not.toContain('openid');
});
