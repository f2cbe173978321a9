/**
 * The embedded store: everything in this process's memory. What `pnpm dev` and a single
 * task use; nothing is shared, so with several tasks use the Redis store.
 */
import { EventEmitter } from 'node:events';
import { LRUCache } from 'lru-cache';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { CallToolResult, JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { InMemorySessionStore, type SessionLimits } from './sessions.js';
import { createMemoryBrokerStore } from './brokerMemory.js';
import type { IdempotencyRecord, IdempotencyStore, SessionRelay, SharedStore } from './types.js';

const IDEMPOTENCY_MAX_ENTRIES = 50_000;

class MemoryIdempotency implements IdempotencyStore {
  private readonly records = new LRUCache<string, IdempotencyRecord>({ max: IDEMPOTENCY_MAX_ENTRIES });

  async claim(key: string, fingerprint: string, ttlMs: number): Promise<IdempotencyRecord | undefined> {
    const existing = this.records.get(key);
    if (existing) return existing;
    this.records.set(key, { state: 'pending', fingerprint }, { ttl: ttlMs });
    return undefined;
  }

  async complete(key: string, fingerprint: string, result: CallToolResult, ttlMs: number): Promise<void> {
    this.records.set(key, { state: 'done', fingerprint, result }, { ttl: ttlMs });
  }

  async release(key: string): Promise<void> {
    this.records.delete(key);
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

export function createMemoryStore(): SharedStore {
  return {
    kind: 'memory',
    idempotency: new MemoryIdempotency(),
    relay: new MemoryRelay(),
    broker: createMemoryBrokerStore(),
    sessions: (limits: SessionLimits) => new InMemorySessionStore(limits),
    limiter: (prefix, points, durationS) => new RateLimiterMemory({ keyPrefix: prefix, points, duration: durationS }),
    health: async () => 'ok',
    ready: async () => {},
    close: async () => {},
  };
}
