/**
 * The broker store in this process's memory: `pnpm dev` and a single task. Bounded, so a
 * flood of registrations or abandoned sign-ins cannot grow it without limit.
 */
import { LRUCache } from 'lru-cache';
import type { BrokerRecord, BrokerStore } from './brokerStore.js';

const MAX_ENTRIES = 200_000;

type Entry = { kind: 'record'; record: BrokerRecord } | { kind: 'lock'; owner: string } | { kind: 'set'; members: Set<string> };

export function createMemoryBrokerStore(max = MAX_ENTRIES): BrokerStore {
  const entries = new LRUCache<string, Entry>({ max, ttlAutopurge: false });
  const ttlOption = (ttlMs: number | undefined) => (ttlMs === undefined ? {} : { ttl: Math.max(1, ttlMs) });
  const record = (key: string) => {
    const entry = entries.get(key);
    return entry?.kind === 'record' ? entry.record : undefined;
  };
  return {
    async write(key, value, ttlMs) {
      entries.set(key, { kind: 'record', record: { ...value } }, ttlOption(ttlMs));
    },
    async read(key) {
      const found = record(key);
      return found ? { ...found } : undefined;
    },
    async setField(key, field, value) {
      const found = record(key);
      if (found) found[field] = value;
    },
    async take(key) {
      const found = record(key);
      entries.delete(key);
      return found;
    },
    async remove(key) {
      entries.delete(key);
    },
    async lock(key, owner, ttlMs) {
      if (entries.has(key)) return false;
      entries.set(key, { kind: 'lock', owner }, ttlOption(ttlMs));
      return true;
    },
    async unlock(key, owner) {
      const entry = entries.get(key);
      if (entry?.kind === 'lock' && entry.owner === owner) entries.delete(key);
    },
    async addMember(key, member, ttlMs) {
      const entry = entries.get(key);
      const members = entry?.kind === 'set' ? entry.members : new Set<string>();
      members.add(member);
      const remaining = entry ? entries.getRemainingTTL(key) : 0;
      entries.set(key, { kind: 'set', members }, ttlOption(Math.max(ttlMs, Number.isFinite(remaining) ? remaining : ttlMs)));
    },
    async members(key) {
      const entry = entries.get(key);
      return entry?.kind === 'set' ? [...entry.members] : [];
    },
  };
}
