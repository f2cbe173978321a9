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
import type { UpstreamTokenSource } from '../upstreamTokenSource.js';
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

/** The NeonPanel client's token source, counting the refreshes this process made. */
export type GrantTokenSource = UpstreamTokenSource & { readonly refreshes: number };

export const grantIdOf = (auth: AuthInfo): string | undefined => {
  const value = auth.extra?.['grantId'];
  return typeof value === 'string' ? value : undefined;
};

/** Another task held the grant's refresh lock for longer than a refresh may take. */
export class UpstreamRefreshTimeoutError extends Error {
  constructor() {
    super('NeonPanel\'s token could not be refreshed in time. Try again shortly.');
    this.name = 'UpstreamRefreshTimeoutError';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createUpstreamTokens(options: UpstreamTokensOptions): GrantTokenSource {
  const now = options.now ?? Date.now;
  const skewMs = options.skewMs ?? 30_000;
  const lockTtlMs = options.lockTtlMs ?? 15_000;
  const pollMs = options.pollMs ?? 100;
  const fresh = (entry: VaultEntry) => entry.tokens.expiresAt - skewMs > now();
  const state = { refreshes: 0 };

  /**
   * Refreshes the grant's token unless someone already replaced `stale`. Undefined when the
   * lock is held elsewhere (the caller waits for that task's result) or the grant is gone.
   */
  async function refreshUnderLock(grantId: string, stale: string): Promise<VaultEntry | undefined> {
    const owner = randomUUID();
    const lockKey = brokerKeys.refreshLock(grantId);
    if (!(await options.store.lock(lockKey, owner, lockTtlMs))) return undefined;
    try {
      // Another task may have refreshed between our read and our lock: use its token.
      const current = await options.vault.loadFresh(grantId);
      if (!current || current.tokens.accessToken !== stale) return current;
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
    // Refresh once per grant: whoever holds the lock refreshes; everyone else takes the
    // first token that replaces the stale one.
    const stale = entry.tokens.accessToken;
    const deadline = now() + lockTtlMs;
    for (;;) {
      const refreshed = await refreshUnderLock(grantId, stale);
      if (refreshed) return refreshed.tokens.accessToken;
      const seen = await options.vault.loadFresh(grantId);
      if (!seen) return undefined;
      if (seen.tokens.accessToken !== stale) return seen.tokens.accessToken;
      if (now() > deadline) throw new UpstreamRefreshTimeoutError();
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
