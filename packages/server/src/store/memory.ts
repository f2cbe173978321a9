/**
 * The embedded store: everything in this process's memory. What `pnpm dev` and a single
 * task use; nothing is shared, so with several tasks use the Redis store.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { LRUCache } from 'lru-cache';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { CallToolResult, JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { InMemorySessionStore, type SessionLimits } from './sessions.js';
import { createMemoryBrokerStore } from './brokerMemory.js';
import type { IdempotencyClaim, IdempotencyRecord, IdempotencyStore, Lease, LeaseSemaphore, SessionRelay, SharedStore } from './types.js';

const IDEMPOTENCY_MAX_ENTRIES = 50_000;

class MemoryIdempotency implements IdempotencyStore {
  private readonly records = new LRUCache<string, IdempotencyRecord>({ max: IDEMPOTENCY_MAX_ENTRIES });

  constructor(readonly owner: string) {}

  async claim(key: string, claim: IdempotencyClaim): Promise<IdempotencyRecord | undefined> {
    const existing = this.records.get(key);
    if (existing) return existing;
    this.records.set(key, { state: 'pending', fingerprint: claim.fingerprint, owner: this.owner, leaseUntil: Date.now() + claim.leaseMs }, { ttl: claim.ttlMs });
    return undefined;
  }

  async complete(key: string, fingerprint: string, result: CallToolResult, ttlMs: number): Promise<void> {
    this.records.set(key, { state: 'done', fingerprint, result }, { ttl: ttlMs });
  }

  async release(key: string): Promise<void> {
    const record = this.records.get(key);
    if (record?.state === 'pending' && record.owner === this.owner) this.records.delete(key);
  }

  async get(key: string): Promise<IdempotencyRecord | undefined> {
    return this.records.get(key);
  }
}

class MemoryRelay implements SessionRelay {
  private readonly events = new EventEmitter().setMaxListeners(0);

  async publish(sessionId: string, message: JSONRPCMessage): Promise<boolean> {
    return this.events.emit(sessionId, message);
  }

  async hasListener(sessionId: string): Promise<boolean> {
    return this.events.listenerCount(sessionId) > 0;
  }

  async listen(sessionId: string, deliver: (message: JSONRPCMessage) => void): Promise<() => void> {
    this.events.on(sessionId, deliver);
    return () => this.events.off(sessionId, deliver);
  }
}

/** The lease semaphore in this process: per scope, lease id → expiry. */
export class MemoryLeases implements LeaseSemaphore {
  private readonly scopes = new Map<string, Map<number, number>>();
  private next = 0;

  constructor(private readonly now: () => number = Date.now) {}

  private live(scope: string): Map<number, number> | undefined {
    const leases = this.scopes.get(scope);
    if (!leases) return undefined;
    const now = this.now();
    for (const [id, until] of leases) if (until <= now) leases.delete(id);
    if (leases.size === 0) this.scopes.delete(scope);
    return leases.size === 0 ? undefined : leases;
  }

  async acquire(scope: string, max: number, leaseMs: number): Promise<Lease | { retryAfterMs: number }> {
    let leases = this.live(scope);
    if (leases && leases.size >= max) return { retryAfterMs: Math.max(Math.min(...leases.values()) - this.now(), 1) };
    if (!leases) this.scopes.set(scope, (leases = new Map()));
    const id = this.next++;
    leases.set(id, this.now() + leaseMs);
    const held = leases;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        held.delete(id);
        if (held.size === 0 && this.scopes.get(scope) === held) this.scopes.delete(scope);
      },
    };
  }

  async held(scope: string): Promise<number> {
    return this.live(scope)?.size ?? 0;
  }
}

export function createMemoryStore(): SharedStore {
  return {
    kind: 'memory',
    idempotency: new MemoryIdempotency(randomBytes(9).toString('base64url')),
    relay: new MemoryRelay(),
    broker: createMemoryBrokerStore(),
    leases: new MemoryLeases(),
    sessions: (limits: SessionLimits) => new InMemorySessionStore(limits),
    limiter: (prefix, points, durationS) => new RateLimiterMemory({ keyPrefix: prefix, points, duration: durationS }),
    health: async () => 'ok',
    ready: async () => {},
    close: async () => {},
  };
}
