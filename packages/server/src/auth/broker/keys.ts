/**
 * Where the broker's per-grant records live in the store. Every key of one grant shares the
 * hash tag `{grant:<id>}`, so a cluster keeps them in one slot.
 */
import { createHash } from 'node:crypto';

const sha = (value: string) => createHash('sha256').update(value).digest('base64url');

export const brokerKeys = {
  vault: (grantId: string) => `{grant:${grantId}}:vault`,
  refreshLock: (grantId: string) => `{grant:${grantId}}:refresh-lock`,
  /** The oidc-provider records (codes, refresh tokens) issued under a grant. */
  grantModels: (grantId: string) => `{grant:${grantId}}:models`,
  /** Every grant of one NeonPanel user (the operator's revoke-by-subject). */
  subjectGrants: (subject: string) => `{subject:${sha(subject)}}:grants`,
  model: (name: string, id: string) => `{m:${name}:${sha(id)}}`,
  /** What every `model(name, …)` key starts with. */
  modelPrefix: (name: string) => `{m:${name}:`,
  modelByUid: (name: string, uid: string) => `{uid:${name}:${sha(uid)}}`,
  upstreamState: (state: string) => `{state:${sha(state)}}`,
  consent: (subject: string, clientId: string, redirectUri: string) => `{consent:${sha(`${subject}\n${clientId}\n${redirectUri}`)}}`,
} as const;
