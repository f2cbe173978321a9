/**
 * oidc-provider's own in-memory adapter factory. The package has no `exports` map, so this
 * deep import is reachable; it is not in @types/oidc-provider, hence this declaration.
 */
declare module 'oidc-provider/lib/adapters/memory_adapter.js' {
  import type { AdapterFactory } from 'oidc-provider';

  export function createMemoryAdapter(clockTolerance?: number): AdapterFactory;
}
