/**
 * `WWW-Authenticate: Bearer …` challenges (RFC 6750 §3, RFC 9728 §5.1).
 */
export const REALM = 'mcp';

export interface ChallengeParams {
  resourceMetadataUrl: string;
  /** Space-delimited scopes the client should ask for. */
  scope?: string;
  /** Absent when the request carried no credentials (RFC 6750 §3.1). */
  error?: 'invalid_request' | 'invalid_token' | 'insufficient_scope';
  errorDescription?: string;
}

/** RFC 6750 limits error_description and scope to printable ASCII without `"` and `\`. */
function quotable(value: string): string {
  return value.replace(/[^\x20\x21\x23-\x5B\x5D-\x7E]/g, '');
}

export function buildChallenge(params: ChallengeParams): string {
  const parts = [`realm="${REALM}"`];
  if (params.error) {
    parts.push(`error="${params.error}"`);
    if (params.errorDescription) parts.push(`error_description="${quotable(params.errorDescription)}"`);
  }
  if (params.scope) parts.push(`scope="${quotable(params.scope)}"`);
  parts.push(`resource_metadata="${quotable(params.resourceMetadataUrl)}"`);
  return `Bearer ${parts.join(', ')}`;
}
