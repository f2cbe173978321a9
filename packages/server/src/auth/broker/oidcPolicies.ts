/**
 * oidc-provider settings the broker and the development authorization server share: token
 * lifetimes, CORS for browser-based clients, and the HTML error page.
 */
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';

export interface Lifetimes {
  accessTokenSeconds: number;
  idTokenSeconds: number;
  interactionSeconds: number;
  sessionSeconds: number;
  grantSeconds: number;
  /** A refresh token's absolute lifetime: rotation hands its remainder on rather than extending it. */
  refreshTokenSeconds: number;
}

export function tokenLifetimes(l: Lifetimes): NonNullable<Configuration['ttl']> {
  return {
    AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? l.accessTokenSeconds,
    AuthorizationCode: 60,
    IdToken: l.idTokenSeconds,
    Interaction: l.interactionSeconds,
    Session: l.sessionSeconds,
    Grant: l.grantSeconds,
    RefreshToken: (ctx) => ctx?.oidc?.entities.RotatedRefreshToken?.remainingTTL ?? l.refreshTokenSeconds,
  };
}

/**
 * Browser-based clients (the MCP Inspector) call the token endpoint cross-origin: allow the
 * origins of the client's own redirect URIs, and nothing else.
 */
export const redirectOriginCors: NonNullable<Configuration['clientBasedCORS']> = (_ctx, origin, client) =>
  origin !== 'null' && (client.redirectUris ?? []).some((uri) => {
    try {
      return new URL(uri).origin === origin;
    } catch {
      return false;
    }
  });

/** oidc-provider's errors as one of our HTML pages, never cached, never framed. */
export function htmlErrorPage(render: (title: string, message: string) => string): NonNullable<Configuration['renderError']> {
  return (ctx: KoaContextWithOIDC, out) => {
    ctx.type = 'html';
    ctx.set('cache-control', 'no-store');
    ctx.set('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'");
    const description = out['error_description'] ? `: ${String(out['error_description'])}` : '';
    ctx.body = render('Sign-in error', `${String(out['error'])}${description}`);
  };
}
