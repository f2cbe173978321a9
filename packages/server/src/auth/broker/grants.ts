/**
 * Ending a grant: its vault record (so our access tokens stop at once: the verifier needs a
 * live grant), the oidc-provider records issued under it (codes, refresh tokens) and the
 * grant itself (so no refresh token of it can be redeemed). Used on refresh-token reuse,
 * on RFC 7009 revocation, when NeonPanel stops accepting the grant, and by the operator.
 */
import type { BrokerStore } from '../../store/brokerStore.js';
import { brokerKeys } from './keys.js';
import type { TokenVault } from './tokenVault.js';

export interface GrantRevoker {
  revoke(grantId: string): Promise<void>;
  /** Every grant of one NeonPanel user; resolves to how many there were. */
  revokeSubject(subject: string): Promise<number>;
  /** Remembers that `grantId` belongs to `subject`, for `revokeSubject`. */
  index(subject: string, grantId: string, ttlMs: number): Promise<void>;
}

export function createGrantRevoker(store: BrokerStore, vault: TokenVault): GrantRevoker {
  async function revoke(grantId: string): Promise<void> {
    await vault.drop(grantId);
    const issued = await store.members(brokerKeys.grantModels(grantId));
    // One key per command: each record lives in its own slot.
    await Promise.all(issued.map((key) => store.remove(key)));
    await store.remove(brokerKeys.grantModels(grantId));
    await store.remove(brokerKeys.model('Grant', grantId));
  }
  return {
    revoke,
    async revokeSubject(subject) {
      const grants = await store.members(brokerKeys.subjectGrants(subject));
      for (const grantId of grants) await revoke(grantId);
      await store.remove(brokerKeys.subjectGrants(subject));
      return grants.length;
    },
    index: (subject, grantId, ttlMs) => store.addMember(brokerKeys.subjectGrants(subject), grantId, ttlMs),
  };
}
