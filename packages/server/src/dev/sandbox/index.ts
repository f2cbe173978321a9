/**
 * The NeonPanel sandbox: a local, contract-checked stand-in for the NeonPanel API, for
 * `pnpm dev` and tests. See server.ts for the request pipeline and ledger.ts for the data.
 */
export { startSandbox, type Sandbox, type SandboxOptions, type SandboxRequestRecord } from './server.js';
export { jwksTokenVerifier, staticTokenVerifier, type JwksTokenVerifierOptions, type SandboxTokenVerifier } from './tokens.js';
export type { Fault } from './faults.js';
export type { ImportRecord } from './imports.js';
export type { CompanyData, SandboxDataset, SandboxItem, SandboxWarehouse } from './dataset.js';
export { loadNeonPanelSpec, type NeonPanelSpec } from './spec.js';
