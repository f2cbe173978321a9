/** The scope words live with auth/ now: the broker's consent page shows them too. */
export { SCOPE_DESCRIPTIONS, describeScope, OIDC_SCOPES } from '../../auth/scopeDescriptions.js';
