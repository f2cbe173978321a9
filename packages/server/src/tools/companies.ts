/** Company tools: which companies the user can see, and what they may do in each. */
import { z } from 'zod';
import type { ToolDefinition } from './types.js';
import { companyArg, companyRef, dataOf, pageArgs, pageInfo, pageOf, READ_ANNOTATIONS, resolveCompany } from './common.js';
import { structuredResult } from './result.js';

const company = z.looseObject({
  uuid: z.string(),
  name: z.string(),
  short_name: z.string().optional(),
  currency: z.string().optional(),
  timezone: z.string().optional(),
});

const listInput = z.object({ ...pageArgs });
const listOutput = z.object({ companies: z.array(company), pagination: pageInfo });

export const companiesList: ToolDefinition<typeof listInput, typeof listOutput> = {
  name: 'neonpanel_companies_list',
  title: 'List companies',
  description:
    'Use first, to learn which NeonPanel companies this account can access; most other tools need one of them. ' +
    'Returns companies (uuid, name, currency, timezone) one page at a time, with pagination.',
  scope: 'read:companies',
  toolset: 'account',
  operations: ['listCompanies'],
  input: listInput,
  output: listOutput,
  annotations: READ_ANNOTATIONS,
  async handler(args, ctx) {
    const answer = dataOf(await ctx.neonpanel().GET('/api/v1/companies', { params: { query: { page: args.page, per_page: args.per_page } } }));
    const companies = (answer.data ?? []).map(({ id: _id, ...c }) => c);
    return structuredResult({ companies, pagination: pageOf(answer, args) });
  },
};

const permissionsInput = z.object({ company: companyArg });
const permissionsOutput = z.object({ company: companyRef, permissions: z.array(z.string()) });

export const companyPermissions: ToolDefinition<typeof permissionsInput, typeof permissionsOutput> = {
  name: 'neonpanel_company_permissions',
  title: 'Company permissions',
  description:
    "Use when a call is refused, or to check what the user may do in a company. Returns the user's permission names in that company.",
  scope: 'read:companies',
  toolset: 'account',
  operations: ['listPermissionsByCompany'],
  input: permissionsInput,
  output: permissionsOutput,
  annotations: READ_ANNOTATIONS,
  async handler(args, ctx) {
    const c = await resolveCompany(ctx, args.company);
    const answer = dataOf(await ctx.neonpanel().GET('/api/v1/companies/{companyUuid}/permissions', { params: { path: { companyUuid: c.uuid } } }));
    return structuredResult({ company: { uuid: c.uuid, name: c.name }, permissions: answer.permissions ?? [] });
  },
};

const noInput = z.object({});
const allPermissionsOutput = z.object({ permissions: z.array(z.string()) });

export const permissionsList: ToolDefinition<typeof noInput, typeof allPermissionsOutput> = {
  name: 'neonpanel_permissions_list',
  title: 'All permission names',
  description: 'Use to learn which permission names NeonPanel has (e.g. view:pages.inventory), before asking which companies grant one. Returns the names.',
  scope: 'read:companies',
  toolset: 'account',
  operations: ['listPermissions'],
  input: noInput,
  output: allPermissionsOutput,
  annotations: READ_ANNOTATIONS,
  async handler(_args, ctx) {
    const answer = dataOf(await ctx.neonpanel().GET('/api/v1/permissions'));
    return structuredResult({ permissions: answer.permissions ?? [] });
  },
};

const withPermissionInput = z.object({
  permission: z.string().trim().min(1).max(200).describe('A permission name (neonpanel_permissions_list), e.g. view:pages.inventory.'),
  companies: z.array(companyArg).max(50).optional().describe('Only check these companies (UUIDs or names); all accessible ones when omitted.'),
});
const withPermissionOutput = z.object({ permission: z.string(), companies: z.array(company) });

export const companiesWithPermission: ToolDefinition<typeof withPermissionInput, typeof withPermissionOutput> = {
  name: 'neonpanel_companies_with_permission',
  title: 'Companies where the user has a permission',
  description: 'Use to find in which companies the user may do something (e.g. edit bills). Returns the companies (uuid, name, currency) where the user holds that permission.',
  scope: 'read:companies',
  toolset: 'account',
  operations: ['listCompaniesWithPermission'],
  input: withPermissionInput,
  output: withPermissionOutput,
  annotations: READ_ANNOTATIONS,
  async handler(args, ctx) {
    const uuids = args.companies ? await Promise.all(args.companies.map(async (c) => (await resolveCompany(ctx, c)).uuid)) : undefined;
    const answer = dataOf(await ctx.neonpanel().GET('/api/v1/permissions/{permission}/companies', {
      params: { path: { permission: args.permission }, query: uuids ? { company_uuids: uuids } : {} },
    }));
    const companies = (answer.companies ?? [])
      .filter((c): c is typeof c & { uuid: string; name: string } => typeof c.uuid === 'string' && typeof c.name === 'string')
      .map(({ id: _id, ...c }) => c);
    return structuredResult({ permission: args.permission, companies });
  },
};

export const companyTools = [companiesList, companyPermissions, permissionsList, companiesWithPermission];
