/**
 * What each scope lets an application do, in words a person can consent to.
 */
export const SCOPE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  openid: 'Know who you are (your user identifier).',
  offline_access: 'Stay connected while you are away (a refresh token).',
  'read:inventory': 'Read inventory items and stock levels.',
  'read:analytics': 'Read sales analytics.',
  'read:companies': 'See the companies you have access to.',
  'read:reports': 'Read reports.',
  'read:warehouses': 'Read warehouses and their stock.',
  'read:revenue': 'Read revenue figures.',
  'read:cogs': 'Read cost of goods sold.',
  'read:landed-cost': 'Read landed costs.',
  'write:import': 'Create import jobs in your account (write access).',
  'write:inventory': 'Create, change and delete inventory items, and refresh listings from Amazon (write access).',
  'read:documents': 'Read inventory orders, bills, invoices, shipments, assembly orders and adjustments.',
  'write:documents': 'Create and change inventory orders, bills, invoices, shipments, assembly orders and adjustments (write access).',
  'read:payments': 'Read payment requests (installments due).',
  'write:payments': 'Record payments on payment requests (write access).',
  'read:catalogue': 'Read products, vendors, services, payment terms and sales channels.',
  'write:catalogue': 'Create, change and delete products (write access).',
  'read:forecasting': 'Read forecasting settings.',
  'write:forecasting': 'Change forecasting settings (write access).',
};

export function describeScope(scope: string): string {
  return SCOPE_DESCRIPTIONS[scope] ?? 'An access right this server does not describe.';
}

/** Scopes every OpenID provider knows; everything else is an MCP (resource) scope. */
export const OIDC_SCOPES = ['openid', 'offline_access'] as const;
