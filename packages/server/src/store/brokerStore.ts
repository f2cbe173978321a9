/**
 * The broker's shared state, behind one interface: oidc-provider's models (clients,
 * grants, codes, refresh tokens, sessions, interactions), the token vault's ciphertext,
 * single-use `state` values, remembered consent, and the per-grant refresh lock.
 *
 * Records are small string maps, so a one-field change (oidc-provider's `consume`) is one
 * atomic command. Keys are chosen by the caller (auth/broker/) and carry their own Redis hash
 * tag (`{grant:<id>}:vault`): every operation here touches one key, so it is valid on a
 * Redis Cluster as on a single node.
 *
 * No plaintext token, ever: the vault hands this store ciphertext only.
 */
export type BrokerRecord = Record<string, string>;

export interface BrokerStore {
  /** Replaces the record at `key`; it expires after `ttlMs` (never when undefined). */
  write(key: string, record: BrokerRecord, ttlMs?: number): Promise<void>;
  read(key: string): Promise<BrokerRecord | undefined>;
  /** Sets one field of an existing record, keeping its expiry; a missing record stays missing. */
  setField(key: string, field: string, value: string): Promise<void>;
  /** Reads and deletes at once: of two concurrent takes, one gets the record. */
  take(key: string): Promise<BrokerRecord | undefined>;
  remove(key: string): Promise<void>;
  /** A lock held by `owner` for at most `ttlMs`; false when someone else holds it. */
  lock(key: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Releases the lock only if `owner` still holds it. */
  unlock(key: string, owner: string): Promise<void>;
  /** Adds `member` to the set at `key`, whose expiry becomes at least `ttlMs` from now. */
  addMember(key: string, member: string, ttlMs: number): Promise<void>;
  members(key: string): Promise<string[]>;
}
