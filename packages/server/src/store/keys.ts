/**
 * Where everything lives in Redis. On a cluster (ElastiCache Serverless for Valkey, or a node
 * with `--cluster-enabled yes`) a transaction, a script or a multi-key command must touch keys
 * of one hash slot, or it is refused with CROSSSLOT. So every key names its slot explicitly
 * with a hash tag (the part in braces), and each operation stays inside one tag:
 * - `{sess:<id>}`: one session's record and its answer channel;
 * - `{subj:<hash>}`: one user's session index and in-flight leases;
 * - `{idem:<hash>}`: one idempotency record.
 * User-chosen values (subjects, idempotency keys) are hashed: bounded length, no braces.
 */
import { createHash } from 'node:crypto';

export const hashed = (value: string): string => createHash('sha256').update(value).digest('base64url');

/** A key in the slot of `tag` (which must hold no braces), under the deployment's prefix. */
export function taggedKey(prefix: string, tag: string, suffix = ''): string {
  return `${prefix}{${tag}}${suffix ? `:${suffix}` : ''}`;
}

export interface StoreKeys {
  session(id: string): string;
  sessionChannel(id: string): string;
  subjectSessions(subject: string): string;
  subjectInFlight(subject: string): string;
  idempotency(key: string): string;
}

export function storeKeys(prefix: string): StoreKeys {
  // Session ids are base64url (no braces), so they are tags as they are.
  return {
    session: (id) => taggedKey(prefix, `sess:${id}`),
    sessionChannel: (id) => taggedKey(prefix, `sess:${id}`, 'relay'),
    subjectSessions: (subject) => taggedKey(prefix, `subj:${hashed(subject)}`, 'sessions'),
    subjectInFlight: (subject) => taggedKey(prefix, `subj:${hashed(subject)}`, 'inflight'),
    idempotency: (key) => taggedKey(prefix, `idem:${hashed(key)}`),
  };
}
