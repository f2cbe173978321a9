import { DEFAULT_SCOPES, type Config } from '../config.js';
import { scopesSupportedOf, type MetadataSource } from './authorizationServerMetadata.js';
import { advertisedScopes } from './policy.js';

/**
 * What PRM and challenges advertise: the profile's rule (auth/policy.ts) over the scopes the
 * tools need and, once discovered, the scopes the authorization server says it issues.
 */
export function advertisedScopesFor(config: Config, toolScopes: readonly string[], metadata?: MetadataSource): () => string[] {
  const legacy = config.oauth.scopes ?? [...new Set([...DEFAULT_SCOPES, ...toolScopes])];
  const input = { profile: config.oauth.profile, configured: config.oauth.advertisedScopes, legacy, toolScopes };
  // Recomputed only when the metadata document changes, so callers can cache on the array's identity.
  let memo: { document: object | undefined; value: string[] } | undefined;
  return () => {
    const document = metadata?.current();
    if (memo === undefined || memo.document !== document) {
      memo = { document, value: advertisedScopes({ ...input, issuerScopes: scopesSupportedOf(document) }) };
    }
    return memo.value;
  };
}
