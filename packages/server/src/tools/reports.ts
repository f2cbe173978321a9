/** Report tools: the reports NeonPanel offers, and one report's sheets. */
import { z } from 'zod';
import type { ToolDefinition } from './types.js';
import { dataOf, READ_ANNOTATIONS } from './common.js';
import { structuredResult } from './result.js';

const report = z.looseObject({ id: z.number().int(), title: z.string().optional(), group: z.string().optional(), description: z.string().optional(), link: z.string().optional() });

const listInput = z.object({ group: z.string().max(100).optional().describe('Only reports in this group (case-insensitive).') });
const listOutput = z.object({ count: z.number().int(), reports: z.array(report) });

export const reportsList: ToolDefinition<typeof listInput, typeof listOutput> = {
  name: 'neonpanel_reports_list',
  title: 'List reports',
  description: 'Use to see which NeonPanel reports exist (inventory, sales, accounting…). Returns each report with id, title, group, description and link.',
  scope: 'read:reports',
  toolset: 'reports',
  operations: ['listReports'],
  input: listInput,
  output: listOutput,
  annotations: READ_ANNOTATIONS,
  async handler(args, ctx) {
    const answer = dataOf(await ctx.neonpanel().GET('/api/v1/reports'));
    const all = (answer.data ?? []).filter((r): r is typeof r & { id: number } => typeof r.id === 'number');
    const reports = args.group ? all.filter((r) => r.group?.toLowerCase() === args.group!.toLowerCase()) : all;
    return structuredResult({ count: reports.length, reports });
  },
};

const getInput = z.object({ report_id: z.number().int().positive().describe('The report id from neonpanel_reports_list.') });
const getOutput = z.object({ report: report, sheets: z.array(z.looseObject({ slug: z.string().optional(), title: z.string().optional() })) });

export const reportGet: ToolDefinition<typeof getInput, typeof getOutput> = {
  name: 'neonpanel_report_get',
  title: 'Report details',
  description: "Use to read one report's details: its sheets, what each shows, and the parameters each takes.",
  scope: 'read:reports',
  toolset: 'reports',
  operations: ['getReportData'],
  input: getInput,
  output: getOutput,
  annotations: READ_ANNOTATIONS,
  async handler(args, ctx) {
    const answer = dataOf(await ctx.neonpanel().GET('/api/v1/reports/{reportId}', { params: { path: { reportId: args.report_id } } }));
    const { sheets, ...rest } = answer;
    return structuredResult({ report: { ...rest, id: rest.id ?? args.report_id }, sheets: sheets ?? [] });
  },
};

export const reportTools = [reportsList, reportGet];
