/**
 * `GET /health` and `GET /healthz`: public, constant-time, no upstream call. `?deep=1`
 * also checks that the issuer's metadata has been discovered (when the JWKS comes from
 * discovery) and that the JWKS can be fetched; with a shared store (Redis), it also pings it.
 * Probes cannot amplify load: concurrent deep probes share one check in flight, and its
 * answers are kept briefly (the issuer's 10 s; a healthy store's 1 s, so an outage shows
 * within a second and the recovery from one at the next probe).
 * A failing deep check says why, in words (never an upstream URL or body).
 */
import { Router } from 'express';
import { LRUCache } from 'lru-cache';
import { SERVICE_NAME, VERSION } from '../version.js';
import { jwksUriOf, type MetadataSource } from '../auth/authorizationServerMetadata.js';

export interface HealthOptions {
  neonpanelApiBase: string;
  /** OAUTH_JWKS_URI when configured. */
  jwksUri: string | undefined;
  /** The issuer's metadata, when the JWKS URL comes from it. */
  discovery?: MetadataSource;
  timeoutMs: number;
  fetch?: typeof fetch;
  now?: () => number;
  /** The shared store (Redis) when one is configured: pinged by deep probes, at most once a second. */
  store?: { health(): Promise<'ok' | 'unreachable'> };
}

const DEEP_CACHE_MS = 10_000;
const STORE_CACHE_MS = 1_000;

type JwksCheck = 'ok' | 'unreachable' | 'not-configured' | 'unknown';
type StoreCheck = 'ok' | 'unreachable';
interface DeepChecks {
  jwks: JwksCheck;
  discovery?: string;
  store?: 'ok' | 'unreachable';
}

export function healthRouter(options: HealthOptions): Router {
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const body = { status: 'ok', service: SERVICE_NAME, version: VERSION, baseUrl: options.neonpanelApiBase };
  const shallow = JSON.stringify(body);
  // lru-cache's fetch shares one call in flight per key and keeps its answer for the key's ttl.
  const answers = new LRUCache<'issuer' | 'store', DeepChecks | StoreCheck>({
    max: 2,
    perf: { now },
    fetchMethod: (key) => (key === 'issuer' ? check() : storeHealth()),
  });

  async function fetchJwks(uri: string): Promise<JwksCheck> {
    try {
      const response = await doFetch(uri, { signal: AbortSignal.timeout(options.timeoutMs) });
      const doc = response.ok ? ((await response.json()) as { keys?: unknown }) : undefined;
      if (doc && Array.isArray(doc.keys)) return 'ok';
    } catch {
      // unreachable
    }
    return 'unreachable';
  }

  async function check(): Promise<DeepChecks> {
    if (options.discovery) {
      let uri: string;
      try {
        uri = jwksUriOf(await options.discovery.get());
      } catch (error) {
        const status = options.discovery.status();
        const reason = status.state === 'pending' ? status.reason : undefined;
        return { jwks: 'unknown', discovery: `pending: ${reason ?? (error as Error).message}` };
      }
      const status = options.discovery.status();
      return { jwks: await fetchJwks(uri), discovery: status.state === 'stale' ? `stale: ${status.reason}` : 'ok' };
    }
    return { jwks: options.jwksUri ? await fetchJwks(options.jwksUri) : 'not-configured' };
  }

  async function storeHealth(): Promise<StoreCheck> {
    return options.store!.health().catch(() => 'unreachable' as const);
  }

  const deepChecks = async () => (await answers.fetch('issuer', { ttl: DEEP_CACHE_MS })) as DeepChecks;
  async function storeChecks(): Promise<StoreCheck | undefined> {
    if (!options.store) return undefined;
    const answer = (await answers.fetch('store', { ttl: STORE_CACHE_MS })) as StoreCheck;
    // Only a healthy answer is kept: the next probe after an outage sees the recovery. A ping
    // to a store that is down fails fast, and concurrent probes still share it in flight.
    if (answer === 'unreachable') answers.delete('store');
    return answer;
  }

  const router = Router();
  router.get(['/health', '/healthz'], (req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    if (req.query['deep'] === undefined || req.query['deep'] === '0') {
      res.type('application/json').send(shallow);
      return;
    }
    Promise.all([deepChecks(), storeChecks()]).then(([cached, store]) => {
      const checks: DeepChecks = store === undefined ? cached : { ...cached, store };
      const ok = (checks.jwks === 'ok' || checks.jwks === 'not-configured') && store !== 'unreachable';
      res.status(ok ? 200 : 503).json({ ...body, status: ok ? 'ok' : 'degraded', checks });
    }, next);
  });
  return router;
}
