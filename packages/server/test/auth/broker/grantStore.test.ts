/**
 * oidc-provider's records, the vault and grant revocation over the broker store, on memory
 * and on a one-node Redis Cluster: revoking a grant (reuse detection, RFC 7009, NeonPanel's
 * refusal, the operator) removes its vault record, its codes and refresh tokens and the grant.
 */
import { randomBytes } from 'node:crypto';
import { parseVaultKeys } from '../../../src/config.js';
import type { BrokerStore } from '../../../src/store/brokerStore.js';
import { createMemoryBrokerStore } from '../../../src/store/brokerMemory.js';
import { createRedisBrokerStore } from '../../../src/store/brokerRedis.js';
import { createVaultCipher } from '../../../src/auth/broker/vaultCipher.js';
import { createTokenVault } from '../../../src/auth/broker/tokenVault.js';
import { createGrantRevoker } from '../../../src/auth/broker/grants.js';
import { oidcAdapterFactory } from '../../../src/auth/broker/oidcAdapter.js';
import { brokerKeys } from '../../../src/auth/broker/keys.js';
import { startRedisCluster, type TestRedisCluster } from '../../helpers/redisCluster.js';

let cluster: TestRedisCluster;
beforeAll(async () => {
  cluster = await startRedisCluster();
});
afterAll(async () => {
  await cluster.stop();
});

const stores: Array<[string, () => BrokerStore]> = [
  ['memory', () => createMemoryBrokerStore()],
  ['cluster', () => createRedisBrokerStore(cluster.client, `g${Math.random()}:`)],
];

describe('registered clients on Redis', () => {
  it('expire when unused, and a grant for the client renews them', async () => {
    const prefix = `c${Math.random()}:`;
    const store = createRedisBrokerStore(cluster.client, prefix);
    const adapter = oidcAdapterFactory({ store, clientIdleMs: 3_600_000, onGrantDestroyed: async () => {} });
    await adapter('Client').upsert('client-1', { client_id: 'client-1' } as never, undefined as unknown as number);
    const key = `${prefix}${brokerKeys.model('Client', 'client-1')}`;
    await cluster.client.pexpire(key, 1_000);
    await adapter('Grant').upsert('g1', { accountId: 'u1', clientId: 'client-1' }, 60);
    const ttl = await cluster.client.pttl(key);
    expect(ttl).toBeGreaterThan(1_000);
    expect(ttl).toBeLessThanOrEqual(3_600_000);
  });
});

describe.each(stores)('grants on %s', (_name, make) => {
  function setup() {
    const store = make();
    const vault = createTokenVault({ store, cipher: createVaultCipher(parseVaultKeys(`k1:${randomBytes(32).toString('base64url')}`)), cacheTtlMs: 0 });
    const grants = createGrantRevoker(store, vault);
    const adapter = oidcAdapterFactory({ store, clientIdleMs: 60_000, onGrantDestroyed: (id) => grants.revoke(id) });
    return { store, vault, grants, adapter };
  }
  const tokens = { accessToken: 'a', refreshToken: 'r', expiresAt: Date.now() + 60_000 };

  it('finds what it stored, by id and uid, and marks a code consumed', async () => {
    const { adapter } = setup();
    const codes = adapter('AuthorizationCode');
    await codes.upsert('code-1', { grantId: 'g1', accountId: 'u1' }, 60);
    await codes.consume('code-1');
    expect(await codes.find('code-1')).toMatchObject({ grantId: 'g1', consumed: expect.any(Number) });
    const sessions = adapter('Session');
    await sessions.upsert('s1', { uid: 'uid-1', accountId: 'u1' }, 60);
    expect(await sessions.findByUid('uid-1')).toMatchObject({ accountId: 'u1' });
  });

  it('revokes a grant: vault record, its refresh tokens and codes, and the grant itself', async () => {
    const { adapter, vault, grants } = setup();
    await adapter('Grant').upsert('g1', { accountId: 'u1', clientId: 'c1' }, 60);
    await adapter('RefreshToken').upsert('rt-1', { grantId: 'g1' }, 60);
    await adapter('AuthorizationCode').upsert('code-1', { grantId: 'g1' }, 60);
    await adapter('RefreshToken').upsert('rt-other', { grantId: 'g2' }, 60);
    await vault.save('g1', { tokens, subject: 'u1', clientId: 'c1' }, 60_000);

    await grants.revoke('g1');
    expect(await vault.load('g1')).toBeUndefined();
    expect(await adapter('Grant').find('g1')).toBeUndefined();
    expect(await adapter('RefreshToken').find('rt-1')).toBeUndefined();
    expect(await adapter('AuthorizationCode').find('code-1')).toBeUndefined();
    expect(await adapter('RefreshToken').find('rt-other')).toBeDefined();
  });

  it('empties the vault when oidc-provider destroys a grant (reuse detection, revocation)', async () => {
    const { adapter, vault } = setup();
    await vault.save('g1', { tokens, subject: 'u1', clientId: 'c1' }, 60_000);
    await adapter('Grant').destroy('g1');
    expect(await vault.load('g1')).toBeUndefined();
  });

  it('revokes every grant of one NeonPanel user, and only theirs', async () => {
    const { vault, grants } = setup();
    for (const [grantId, subject] of [['g1', 'alice'], ['g2', 'alice'], ['g3', 'bob']] as const) {
      await vault.save(grantId, { tokens, subject, clientId: 'c' }, 60_000);
      await grants.index(subject, grantId, 60_000);
    }
    expect(await grants.revokeSubject('alice')).toBe(2);
    expect(await vault.load('g1')).toBeUndefined();
    expect(await vault.load('g2')).toBeUndefined();
    expect(await vault.load('g3')).toBeDefined();
  });
});
