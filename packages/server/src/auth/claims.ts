/** Scope claims are read in one place, with the rest of the auth profile (policy.ts). */
export { scopesFromClaims } from './policy.js';
