/**
 * `GET /health` and `GET /healthz`: public, constant-time, no upstream call. `?deep=1`
 * also checks that the JWKS can be fetched (cached briefly so probes cannot hammer it).
 */
import { Router } from 'express';
import { SERVICE_NAME, VERSION } from '../version.js';

export interface HealthOptions {
  neonpanelApiBase: string;
  jwksUri: string | undefined;
  timeoutMs: number;
  fetch?: typeof fetch;
  now?: () => number;
}

const DEEP_CACHE_MS = 10_000;

export function healthRouter(options: HealthOptions): Router {
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const body = { status: 'ok', service: SERVICE_NAME, version: VERSION, baseUrl: options.neonpanelApiBase };
  const shallow = JSON.stringify(body);
  let lastDeep: { at: number; jwks: 'ok' | 'unreachable' | 'not-configured' } | undefined;

  async function checkJwks(): Promise<'ok' | 'unreachable' | 'not-configured'> {
    if (!options.jwksUri) return 'not-configured';
    if (lastDeep && now() - lastDeep.at < DEEP_CACHE_MS) return lastDeep.jwks;
    let jwks: 'ok' | 'unreachable' = 'unreachable';
    try {
      const response = await doFetch(options.jwksUri, { signal: AbortSignal.timeout(options.timeoutMs) });
      const doc = response.ok ? ((await response.json()) as { keys?: unknown }) : undefined;
      if (doc && Array.isArray(doc.keys)) jwks = 'ok';
    } catch {
      // unreachable
    }
    lastDeep = { at: now(), jwks };
    return jwks;
  }

  const router = Router();
  router.get(['/health', '/healthz'], (req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    if (req.query['deep'] === undefined || req.query['deep'] === '0') {
      res.type('application/json').send(shallow);
      return;
    }
    checkJwks().then((jwks) => {
      const ok = jwks !== 'unreachable';
      res.status(ok ? 200 : 503).json({ ...body, status: ok ? 'ok' : 'degraded', checks: { jwks } });
    }, next);
  });
  return router;
}
