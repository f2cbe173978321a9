/**
 * oidc-provider's storage adapter over the broker store: one record per model instance,
 * indexed by grant (so `revokeByGrantId` finds a grant's codes and refresh tokens) and by
 * `uid` (sessions). Every command touches one key.
 *
 * Dynamically registered clients expire when unused: each record lives `clientIdleMs`,
 * renewed whenever a grant is made for the client.
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { BrokerStore } from '../../store/brokerStore.js';
import { brokerKeys } from './keys.js';

export interface OidcAdapterOptions {
  store: BrokerStore;
  /** A registered client's lifetime without use. */
  clientIdleMs: number;
  /** Told when a grant record is destroyed (revocation, reuse detection), to empty its vault. */
  onGrantDestroyed: (grantId: string) => Promise<void>;
}

export function oidcAdapterFactory(options: OidcAdapterOptions): (name: string) => Adapter {
  const { store } = options;
  return (name: string) => {
    const key = (id: string) => brokerKeys.model(name, id);
    const ttlOf = (expiresIn: number | undefined) => (expiresIn === undefined ? (name === 'Client' ? options.clientIdleMs : undefined) : expiresIn * 1000);

    async function find(id: string): Promise<AdapterPayload | undefined> {
      const record = await store.read(key(id));
      if (!record?.['payload']) return undefined;
      const payload = JSON.parse(record['payload']) as AdapterPayload;
      if (record['consumed']) payload.consumed = Number(record['consumed']);
      return payload;
    }

    const adapter: Adapter = {
      async upsert(id, payload, expiresIn) {
        const ttlMs = ttlOf(expiresIn);
        await store.write(key(id), { payload: JSON.stringify(payload) }, ttlMs);
        if (payload.grantId && name !== 'Grant') await store.addMember(brokerKeys.grantModels(payload.grantId), key(id), ttlMs ?? options.clientIdleMs);
        if (payload.uid) await store.write(brokerKeys.modelByUid(name, payload.uid), { id }, ttlMs);
        if (name === 'Grant' && typeof payload.clientId === 'string') {
          // A grant is a use of its client: a registered client that is used does not expire.
          const client = await store.read(brokerKeys.model('Client', payload.clientId));
          if (client) await store.write(brokerKeys.model('Client', payload.clientId), client, options.clientIdleMs);
        }
      },
      find,
      async findByUid(uid) {
        const pointer = await store.read(brokerKeys.modelByUid(name, uid));
        return pointer?.['id'] ? find(pointer['id']) : undefined;
      },
      async findByUserCode() {
        return undefined; // no device flow
      },
      async consume(id) {
        await store.setField(key(id), 'consumed', String(Math.floor(Date.now() / 1000)));
      },
      async destroy(id) {
        await store.remove(key(id));
        if (name === 'Grant') await options.onGrantDestroyed(id);
      },
      async revokeByGrantId(grantId) {
        const issued = await store.members(brokerKeys.grantModels(grantId));
        const mine = brokerKeys.modelPrefix(name);
        await Promise.all(issued.filter((k) => k.startsWith(mine)).map((k) => store.remove(k)));
      },
    };
    return adapter;
  };
}
