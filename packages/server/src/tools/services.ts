/**
 * Long-lived helpers that tools share across calls, built once at start-up and handed to
 * every call through its context (no module-level state).
 */
import { LRUCache } from 'lru-cache';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

export interface CompanySummary {
  uuid: string;
  name: string;
  short_name?: string;
  currency?: string;
  timezone?: string;
}

export interface ToolServices {
  /** NeonPanel's base URL, for the `url` of search results (never used in error text). */
  neonpanelBaseUrl: string;
  /** Each user's full company list, cached per token subject (not per raw token) with a TTL. */
  companyCache: LRUCache<string, CompanySummary[]>;
  /** Results of write calls by (subject, idempotency key): a retried import returns the first result. */
  idempotency: LRUCache<string, { fingerprint: string; result: Promise<CallToolResult> }>;
}

export interface ToolServicesOptions {
  neonpanelBaseUrl: string;
  companyCacheTtlMs: number;
  /** How long an idempotency key is remembered (default 24 h). */
  idempotencyTtlMs?: number;
}

export function createToolServices(options: ToolServicesOptions): ToolServices {
  return {
    neonpanelBaseUrl: options.neonpanelBaseUrl,
    companyCache: new LRUCache<string, CompanySummary[]>({ max: 10_000, ttl: Math.max(options.companyCacheTtlMs, 1), ttlAutopurge: false }),
    idempotency: new LRUCache<string, { fingerprint: string; result: Promise<CallToolResult> }>({ max: 50_000, ttl: options.idempotencyTtlMs ?? 86_400_000 }),
  };
}
