/**
 * The NeonPanel token of a grant, for each upstream call, refreshed once per grant across
 * all tasks: the task that wins the grant's lock in the store refreshes and stores the
 * rotated refresh token; the others wait for its result. When NeonPanel refuses the refresh
 * (invalid_grant, 401) or the token itself (401), the grant is revoked, and the caller's next
 * request is answered 401 with our challenge, so it signs in again.
 */
import { randomUUID } from 'node:crypto';
import type { AuthInfo } from '../types.js';
import type { BrokerStore } from '../../store/brokerStore.js';
import type { UpstreamTokenSource } from '../../neonpanel/upstreamToken.js';
import { brokerKeys } from './keys.js';
import type { TokenVault, VaultEntry } from './tokenVault.js';
import type { GrantRevoker } from './grants.js';
import { UpstreamGrantRejectedError, type NeonPanelLogin } from './neonpanelLogin.js';

export interface UpstreamTokensOptions {
  store: BrokerStore;
  vault: TokenVault;
  grants: GrantRevoker;
  login: Pick<NeonPanelLogin, 'refresh'>;
  /** The vault record's lifetime, renewed on each refresh. */
  grantTtlMs: number;
  /** Refresh this long before NeonPanel's token expires. Default 30 000 ms. */
  skewMs?: number;
  /** Longest a refresh may hold the lock. Default 15 000 ms. */
  lockTtlMs?: number;
  /** How often a task that lost the lock looks for the winner's result. Default 100 ms. */
  pollMs?: number;
  now?: () => number;
  onRefresh?: (outcome: 'refreshed' | 'rejected' | 'failed') => void;
}

export const grantIdOf = (auth: AuthInfo): string | undefined => {
  const value = auth.extra?.['grantId'];
  return typeof value === 'string' ? value : undefined;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createUpstreamTokens(options: UpstreamTokensOptions): UpstreamTokenSource & { refreshes: number } {
  const now = options.now ?? Date.now;
  const skewMs = options.skewMs ?? 30_000;
  const lockTtlMs = options.lockTtlMs ?? 15_000;
  const pollMs = options.pollMs ?? 100;
  const fresh = (entry: VaultEntry) => entry.tokens.expiresAt - skewMs > now();
  const state = { refreshes: 0 };

  async function refreshUnderLock(grantId: string): Promise<VaultEntry | undefined> {
    const owner = randomUUID();
    const lockKey = brokerKeys.refreshLock(grantId);
    if (!(await options.store.lock(lockKey, owner, lockTtlMs))) return undefined;
    try {
      // Another task may have refreshed between our read and our lock.
      const current = await options.vault.loadFresh(grantId);
      if (!current || fresh(current)) return current;
      if (!current.tokens.refreshToken) throw new UpstreamGrantRejectedError();
      const tokens = await options.login.refresh(current.tokens.refreshToken);
      state.refreshes++;
      const next = { ...current, tokens };
      await options.vault.save(grantId, next, options.grantTtlMs);
      options.onRefresh?.('refreshed');
      return next;
    } catch (error) {
      if (error instanceof UpstreamGrantRejectedError) {
        options.onRefresh?.('rejected');
        await options.grants.revoke(grantId);
        return undefined;
      }
      options.onRefresh?.('failed');
      throw error;
    } finally {
      await options.store.unlock(lockKey, owner);
    }
  }

  async function tokenFor(auth: AuthInfo): Promise<string | undefined> {
    const grantId = grantIdOf(auth);
    if (!grantId) return undefined;
    const entry = await options.vault.load(grantId);
    if (!entry) return undefined;
    if (fresh(entry)) return entry.tokens.accessToken;
    const deadline = now() + lockTtlMs;
    for (;;) {
      const refreshed = await refreshUnderLock(grantId);
      if (refreshed) return refreshed.tokens.accessToken;
      const seen = await options.vault.loadFresh(grantId);
      if (!seen) return undefined;
      if (fresh(seen)) return seen.tokens.accessToken;
      if (now() > deadline) return undefined;
      await sleep(pollMs);
    }
  }

  return {
    tokenFor,
    async rejected(auth) {
      const grantId = grantIdOf(auth);
      if (grantId) await options.grants.revoke(grantId);
    },
    get refreshes() {
      return state.refreshes;
    },
  };
}
