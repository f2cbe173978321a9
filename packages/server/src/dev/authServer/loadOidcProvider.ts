/**
 * Loads oidc-provider on demand.
 *
 * oidc-provider prints a warning when it is imported on a Node.js release older than 22
 * LTS. This project supports Node 20 (issue 2) and its tests run the provider there, so the
 * warning says nothing actionable for a development server; it is dropped, and only that
 * line, while the module evaluates. Loading lazily also keeps `import` of this folder free
 * of side effects.
 */
import type { AdapterFactory } from 'oidc-provider';

type OidcProviderModule = typeof import('oidc-provider');

export interface LoadedOidcProvider {
  Provider: OidcProviderModule['Provider'];
  errors: OidcProviderModule['errors'];
  /** A fresh in-memory store per provider, so several servers in one process never share state. */
  createMemoryAdapter: (clockTolerance?: number) => AdapterFactory;
}

const RUNTIME_WARNING = 'oidc-provider WARNING: Unsupported runtime';

let loaded: Promise<LoadedOidcProvider> | undefined;

async function load(): Promise<LoadedOidcProvider> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].includes(RUNTIME_WARNING)) return;
    warn(...args);
  };
  try {
    const [oidc, memory] = await Promise.all([
      import('oidc-provider'),
      import('oidc-provider/lib/adapters/memory_adapter.js'),
    ]);
    return { Provider: oidc.Provider, errors: oidc.errors, createMemoryAdapter: memory.createMemoryAdapter };
  } finally {
    console.warn = warn;
  }
}

export function loadOidcProvider(): Promise<LoadedOidcProvider> {
  loaded ??= load();
  return loaded;
}
