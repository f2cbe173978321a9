/**
 * What each demo user may see beyond company membership: NeonPanel permissions (derived from
 * the user's scopes in demoUsers.ts, so the two stay in step) and the reports those open.
 */
import { demoUserBySubject } from '../demoUsers.js';

/** Permission → the demo scopes that grant it. */
const PERMISSION_SCOPES: Record<string, string[]> = {
  'view:pages.inventory': ['read:inventory'],
  'view:pages.warehouses': ['read:warehouses'],
  'view:pages.reports': ['read:reports'],
  'view:pages.analytics': ['read:analytics', 'read:revenue'],
  'view:pages.processes.inventory-orders': ['read:cogs', 'read:landed-cost', 'read:documents'],
  'view:pages.processes.bills': ['write:import', 'read:documents'],
  'edit:pages.processes.bills': ['write:import', 'write:documents'],
  'edit:pages.processes.inventory-orders': ['write:documents'],
  'import:documents': ['write:import'],
  'edit:pages.inventory': ['write:inventory'],
  'view:pages.payments': ['read:payments'],
  'edit:pages.payments': ['write:payments'],
  'view:pages.products': ['read:catalogue'],
  'edit:pages.products': ['write:catalogue'],
  'view:pages.forecasting': ['read:forecasting'],
  'edit:pages.forecasting': ['write:forecasting'],
};

export const ALL_PERMISSIONS = Object.keys(PERMISSION_SCOPES);

export function permissionsOf(subject: string): string[] {
  const user = demoUserBySubject(subject);
  if (!user) return [];
  return ALL_PERMISSIONS.filter((p) => PERMISSION_SCOPES[p]!.some((s) => user.scopes.includes(s)));
}

export interface ReportParameter {
  slug: string;
  title: string;
  type: 'Dropdown' | 'TextField' | 'TextArea' | 'Slider' | 'DateTimePicker' | 'DateTimeRangePicker';
  multiselect: boolean;
}

export interface SandboxReport {
  id: number;
  title: string;
  group: string;
  description: string;
  link: string;
  /** Permission needed to open it. */
  permission: string;
  sheets: Array<{ slug: string; title: string; description: string | null; parameters: ReportParameter[] }>;
}

const dateRange: ReportParameter[] = [
  { slug: 'start-date', title: 'Start date', type: 'DateTimePicker', multiselect: false },
  { slug: 'end-date', title: 'End date', type: 'DateTimePicker', multiselect: false },
];
const warehouseFilter: ReportParameter = { slug: 'warehouse', title: 'Warehouse', type: 'Dropdown', multiselect: true };
const base = 'https://my.neonpanel.com/app/reports/basic_suite_new';

export const REPORTS: SandboxReport[] = [
  {
    id: 1, title: 'Inventory Transactions', group: 'Inventory', permission: 'view:pages.reports',
    description: 'Every inventory movement: receipts, sales, transfers and adjustments.',
    link: `${base}/v3-inventory-transactions-bas-user`,
    sheets: [
      { slug: 'transaction-list', title: 'Transaction list', description: 'One row per movement.', parameters: [...dateRange, warehouseFilter] },
      { slug: 'summary', title: 'Summary', description: null, parameters: dateRange },
    ],
  },
  {
    id: 2, title: 'Inventory Valuation', group: 'Inventory', permission: 'view:pages.reports',
    description: 'Units and value on hand per warehouse on a date.',
    link: `${base}/v3-inventory-valuation`,
    sheets: [{ slug: 'by-warehouse', title: 'By warehouse', description: null, parameters: [
      { slug: 'date', title: 'Date', type: 'DateTimePicker', multiselect: false }, warehouseFilter,
    ] }],
  },
  {
    id: 3, title: 'Sales by SKU', group: 'Sales', permission: 'view:pages.reports',
    description: 'Units, revenue and margin per SKU and marketplace.',
    link: `${base}/v3-sales-by-sku`,
    sheets: [{ slug: 'by-sku', title: 'By SKU', description: null, parameters: [
      ...dateRange, { slug: 'country', title: 'Marketplace', type: 'Dropdown', multiselect: true },
    ] }],
  },
  {
    id: 4, title: 'Stock Ageing', group: 'Inventory', permission: 'view:pages.reports',
    description: 'How long units have been held, by batch.',
    link: `${base}/v3-stock-ageing`,
    sheets: [{ slug: 'ageing', title: 'Ageing', description: null, parameters: [warehouseFilter] }],
  },
  {
    id: 5, title: 'Profit and Loss', group: 'Accounting', permission: 'view:pages.analytics',
    description: 'Revenue, COGS and expenses per period.',
    link: `${base}/v3-profit-and-loss`,
    sheets: [{ slug: 'monthly', title: 'Monthly', description: null, parameters: [
      { slug: 'period', title: 'Period', type: 'DateTimeRangePicker', multiselect: false },
      { slug: 'notes', title: 'Notes', type: 'TextArea', multiselect: false },
    ] }],
  },
];

export function reportsVisibleTo(subject: string): SandboxReport[] {
  const permissions = new Set(permissionsOf(subject));
  return REPORTS.filter((r) => permissions.has(r.permission));
}
