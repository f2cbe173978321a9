/**
 * Long-lived helpers that tools share across calls, built once at start-up and handed to
 * every call through its context (no module-level state).
 */
import { LRUCache } from 'lru-cache';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { IdempotencyStore } from '../store/types.js';
import { createMemoryStore } from '../store/memory.js';

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
  /** The company-list fetch in flight per subject, shared by whoever asks meanwhile. */
  /** The company-list fetch in flight per subject, and the signal of the call that started it. */
  companiesInFlight: Map<string, { fetching: Promise<CompanySummary[]>; signal: AbortSignal | undefined }>;
  /** Write calls by (subject, idempotency key), in the shared store: a retry that reaches another task returns the first result. */
  idempotency: IdempotencyStore;
  /** How long an idempotency record is kept (24 h). */
  idempotencyTtlMs: number;
  /** How long a write's claim is a live lease: the upstream timeout times the attempts, with a margin. */
  writeLeaseMs: number;
  /** Calls running in this process by key, so a duplicate here shares the first call's promise. */
  writesInFlight: Map<string, { fingerprint: string; result: Promise<CallToolResult> }>;
}

export interface ToolServicesOptions {
  neonpanelBaseUrl: string;
  companyCacheTtlMs: number;
  /** How long an idempotency key is remembered (default 24 h). */
  idempotencyTtlMs?: number;
  /** The shared store's idempotency records; in memory when not given. */
  idempotency?: IdempotencyStore;
  /** A write's lease (default 60 s). */
  writeLeaseMs?: number;
}

export function createToolServices(options: ToolServicesOptions): ToolServices {
  return {
    neonpanelBaseUrl: options.neonpanelBaseUrl,
    companyCache: new LRUCache<string, CompanySummary[]>({ max: 10_000, ttl: Math.max(options.companyCacheTtlMs, 1), ttlAutopurge: false }),
    idempotency: options.idempotency ?? createMemoryStore().idempotency,
    idempotencyTtlMs: options.idempotencyTtlMs ?? 86_400_000,
    writeLeaseMs: options.writeLeaseMs ?? 60_000,
    companiesInFlight: new Map(),
    writesInFlight: new Map(),
  };
}
