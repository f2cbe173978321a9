/**
 * Public OAuth discovery: RFC 9728 protected resource metadata (at the root and at the
 * path-inserted URL of each protected endpoint), and a mirror of the authorization
 * server's RFC 8414 metadata.
 *
 * Not the SDK's `mcpAuthMetadataRouter`: it serves one resource path only and needs the
 * authorization server metadata up front, where we fetch and cache it.
 */
import { Router, type Response } from 'express';
import { metadataUrlFor, protectedResourceMetadata } from '../auth/protectedResourceMetadata.js';
import type { MetadataSource } from '../auth/authorizationServerMetadata.js';
import type { Logger } from '../logger.js';

export interface DiscoveryOptions {
  /** Resource identifiers: the base URL and each protected path. */
  resources: readonly string[];
  issuer: string;
  /** Read per request: the advertised scopes follow the issuer's metadata once it is discovered. */
  scopes: () => readonly string[];
  documentationUrl?: string;
  authorizationServerMetadata: MetadataSource;
  logger: Logger;
}

function sendJson(res: Response, body: unknown, maxAgeSeconds: number): void {
  res.setHeader('Cache-Control', `public, max-age=${maxAgeSeconds}`);
  res.json(body);
}

export function discoveryRouter(options: DiscoveryOptions): Router {
  const router = Router();
  for (const resource of options.resources) {
    const docFor = (scopes: readonly string[]) => protectedResourceMetadata({
      resource,
      issuer: options.issuer,
      scopes,
      ...(options.documentationUrl ? { documentationUrl: options.documentationUrl } : {}),
    });
    let cached = { scopes: options.scopes(), doc: docFor(options.scopes()) };
    const path = new URL(metadataUrlFor(resource)).pathname;
    router.get([path, `${path}/`], (_req, res) => {
      const scopes = options.scopes();
      if (scopes !== cached.scopes) cached = { scopes, doc: docFor(scopes) };
      sendJson(res, cached.doc, 3600);
    });
  }

  router.get(['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration'], (_req, res) => {
    options.authorizationServerMetadata.get().then(
      (metadata) => sendJson(res, metadata, 3600),
      (error: unknown) => {
        options.logger.warn({ err: error }, 'authorization server metadata unavailable');
        res.setHeader('Retry-After', '30');
        res.status(503).json({
          error: 'temporarily_unavailable',
          error_description: 'The authorization server metadata is unavailable. Try again shortly.',
        });
      },
    );
  });
  return router;
}
