/**
 * The two demo users of the development stack. The development authorization server signs
 * them in; the NeonPanel sandbox serves their companies. One list, so both agree.
 */
export interface DemoCompany {
  uuid: string;
  name: string;
  currency: string;
  country: string;
}

export interface DemoUser {
  /** Login name on the development sign-in page, and the `--user` of `pnpm token`. */
  login: string;
  password: string;
  /** Token `sub`. */
  subject: string;
  name: string;
  email: string;
  /** The scopes this user may grant; a request for others is narrowed to these. */
  scopes: string[];
  /** UUIDs of the companies this user can access in the sandbox. */
  companies: string[];
}

export const DEMO_COMPANIES: DemoCompany[] = [
  { uuid: '0b7f3c1e-2d4a-4e8b-9f10-5a6b7c8d9e01', name: 'Acme Outdoor Goods', currency: 'USD', country: 'US' },
  { uuid: '1c8e4d2f-3e5b-4f9c-8a21-6b7c8d9e0f12', name: 'Borealis Home GmbH', currency: 'EUR', country: 'DE' },
  { uuid: '2d9f5e3a-4f6c-4a0d-9b32-7c8d9e0f1a23', name: 'Cobalt Kitchen Ltd', currency: 'GBP', country: 'GB' },
];

const ALL_SCOPES = [
  'read:inventory', 'read:analytics', 'read:companies', 'read:reports', 'read:warehouses',
  'read:revenue', 'read:cogs', 'read:landed-cost', 'write:import',
  'write:inventory', 'read:documents', 'write:documents', 'read:payments', 'write:payments',
  'read:catalogue', 'write:catalogue', 'read:forecasting', 'write:forecasting',
];

export const DEMO_USERS: DemoUser[] = [
  {
    login: 'alice',
    password: 'alice',
    subject: 'user-alice-0001',
    name: 'Alice Admin',
    email: 'alice@demo.neonpanel.test',
    scopes: ALL_SCOPES,
    companies: [DEMO_COMPANIES[0]!.uuid, DEMO_COMPANIES[1]!.uuid],
  },
  {
    login: 'bob',
    password: 'bob',
    subject: 'user-bob-0002',
    name: 'Bob Analyst',
    email: 'bob@demo.neonpanel.test',
    scopes: ['read:companies', 'read:inventory', 'read:warehouses', 'read:reports', 'read:documents', 'read:catalogue'],
    companies: [DEMO_COMPANIES[2]!.uuid],
  },
];

export function demoUserByLogin(login: string): DemoUser | undefined {
  return DEMO_USERS.find((u) => u.login === login);
}

export function demoUserBySubject(subject: string): DemoUser | undefined {
  return DEMO_USERS.find((u) => u.subject === subject);
}
