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
  input: permissionsInput,
  output: permissionsOutput,
  annotations: READ_ANNOTATIONS,
  async handler(args, ctx) {
    const c = await resolveCompany(ctx, args.company);
    const answer = dataOf(await ctx.neonpanel().GET('/api/v1/companies/{companyUuid}/permissions', { params: { path: { companyUuid: c.uuid } } }));
    return structuredResult({ company: { uuid: c.uuid, name: c.name }, permissions: answer.permissions ?? [] });
  },
};

export const companyTools = [companiesList, companyPermissions];
