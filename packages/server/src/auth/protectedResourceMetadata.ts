/**
 * RFC 9728 protected resource metadata, as a pure function of configuration.
 */
export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers: string[];
  scopes_supported: string[];
  bearer_methods_supported: ['header'];
  resource_name: string;
  resource_documentation?: string;
}

export const RESOURCE_NAME = 'NeonPanel MCP';

/** `/.well-known/oauth-protected-resource` plus the resource's path (RFC 9728 §3.1). */
export function metadataUrlFor(resource: string): string {
  const url = new URL(resource);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/+$/, '');
  return `${url.origin}/.well-known/oauth-protected-resource${path}`;
}

export function protectedResourceMetadata(input: {
  resource: string;
  issuer: string;
  scopes: readonly string[];
  documentationUrl?: string;
}): ProtectedResourceMetadata {
  return {
    resource: input.resource,
    authorization_servers: [input.issuer],
    scopes_supported: [...input.scopes],
    bearer_methods_supported: ['header'],
    resource_name: RESOURCE_NAME,
    ...(input.documentationUrl ? { resource_documentation: input.documentationUrl } : {}),
  };
}
