/**
 * MCP sessions as state: who owns each one, and the limits on how many there may be.
 *
 * Only serialisable state, behind an interface, so a shared store (Redis, `redis.ts`) can
 * replace the in-memory one and sessions then survive across instances. Live streams are
 * process-local and stay in `mcp/sse.ts`. A leaf of `store/`: the owner is any
 * `{ subject, clientId }` (auth's Principal is one) and the log level is the MCP layer's word.
 */
import { randomBytes } from 'node:crypto';

/** Who a session belongs to: the token's subject and OAuth client (auth/types.ts `Principal` has this shape). */
export interface SessionOwner {
  readonly subject: string;
  readonly clientId: string;
}

export type SessionTransport = 'streamable' | 'sse';

export interface SessionRecord {
  /** 256 random bits, base64url: unguessable, and visible ASCII as the spec requires. */
  readonly id: string;
  readonly subject: string;
  readonly clientId: string;
  readonly transport: SessionTransport;
  readonly createdAt: number;
  lastSeenAt: number;
  protocolVersion?: string;
  /** The `logging/setLevel` level the client chose; mcp/ owns the vocabulary. */
  logLevel?: string;
}

export class SessionLimitError extends Error {
  constructor(readonly limit: 'per-subject' | 'total', readonly max: number) {
    super(limit === 'per-subject'
      ? `Too many open MCP sessions for this user (at most ${max}). Close one (DELETE /mcp) or wait for idle sessions to expire.`
      : `The server is at its session limit (${max}). Try again shortly.`);
    this.name = 'SessionLimitError';
  }
}

export interface SessionStore {
  /** Creates a session owned by `owner`, or throws `SessionLimitError`. */
  create(owner: SessionOwner, transport: SessionTransport): Promise<SessionRecord>;
  /** The session, if it exists and belongs to `owner`; another user's session is "not found". */
  getOwned(id: string, owner: SessionOwner): Promise<SessionRecord | undefined>;
  /** Marks activity on a session just read with `getOwned`; keeps it from idle eviction and counted against its user's cap. */
  touch(session: SessionRecord): void;
  update(id: string, patch: Partial<Pick<SessionRecord, 'protocolVersion' | 'logLevel'>>): Promise<void>;
  delete(id: string): Promise<boolean>;
  /** Removes sessions idle for longer than the timeout, and forgets this task's sessions that are gone; returns their ids. */
  evictIdle(): Promise<string[]>;
  /** Which of `ids` no longer exist (expired or deleted, here or on another task): their streams must close. */
  missing(ids: readonly string[]): Promise<string[]>;
  /** Live sessions this task created (the per-task cap counts these). */
  readonly size: number;
}

export interface SessionLimits {
  maxSessions: number;
  maxSessionsPerSubject: number;
  idleTimeoutMs: number;
}

export function newSessionId(): string {
  return randomBytes(32).toString('base64url');
}

export function ownedBy(record: SessionRecord, owner: SessionOwner): boolean {
  return record.subject === owner.subject && record.clientId === owner.clientId;
}

export class InMemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, SessionRecord>();
  private readonly perSubject = new Map<string, number>();

  constructor(private readonly limits: SessionLimits, private readonly now: () => number = Date.now) {}

  get size(): number {
    return this.sessions.size;
  }

  async create(owner: SessionOwner, transport: SessionTransport): Promise<SessionRecord> {
    const count = this.perSubject.get(owner.subject) ?? 0;
    if (count >= this.limits.maxSessionsPerSubject) throw new SessionLimitError('per-subject', this.limits.maxSessionsPerSubject);
    if (this.sessions.size >= this.limits.maxSessions) throw new SessionLimitError('total', this.limits.maxSessions);
    const at = this.now();
    const record: SessionRecord = {
      id: newSessionId(),
      subject: owner.subject,
      clientId: owner.clientId,
      transport,
      createdAt: at,
      lastSeenAt: at,
    };
    this.sessions.set(record.id, record);
    this.perSubject.set(owner.subject, count + 1);
    return record;
  }

  async getOwned(id: string, owner: SessionOwner): Promise<SessionRecord | undefined> {
    const record = this.sessions.get(id);
    return record && ownedBy(record, owner) ? record : undefined;
  }

  touch(session: SessionRecord): void {
    const record = this.sessions.get(session.id);
    if (record) record.lastSeenAt = this.now();
  }

  async missing(ids: readonly string[]): Promise<string[]> {
    return ids.filter((id) => !this.sessions.has(id));
  }

  async update(id: string, patch: Partial<Pick<SessionRecord, 'protocolVersion' | 'logLevel'>>): Promise<void> {
    const record = this.sessions.get(id);
    if (record) Object.assign(record, patch);
  }

  async delete(id: string): Promise<boolean> {
    const record = this.sessions.get(id);
    if (!record) return false;
    this.sessions.delete(id);
    const count = (this.perSubject.get(record.subject) ?? 1) - 1;
    if (count <= 0) this.perSubject.delete(record.subject);
    else this.perSubject.set(record.subject, count);
    return true;
  }

  async evictIdle(): Promise<string[]> {
    const cutoff = this.now() - this.limits.idleTimeoutMs;
    const evicted: string[] = [];
    for (const record of this.sessions.values()) {
      if (record.lastSeenAt < cutoff) evicted.push(record.id);
    }
    for (const id of evicted) await this.delete(id);
    return evicted;
  }

  /** Per-subject counters, for tests and the soak benchmark: must return to empty. */
  get subjectsTracked(): number {
    return this.perSubject.size;
  }
}
