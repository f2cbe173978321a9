/** Forecasting tools: the company-wide defaults NeonPanel's restock forecasts start from. */
import { z } from 'zod';
import type { ToolDefinition } from './types.js';
import { companyArg, companyRef, dataOf, READ_ANNOTATIONS, resolveCompany } from './common.js';
import { ToolInputError } from './errors.js';
import { structuredResult } from './result.js';
import { UPDATE_ANNOTATIONS } from './writes.js';

const days = (what: string) => z.number().int().min(0).max(730).nullable().optional().describe(`${what}, in days.`);
const settingsShape = {
  status: z.enum(['active', 'trial', 'inactive']).optional().describe('Forecasting subscription status.'),
  default_seasonality: z.string().regex(/^\d+(\.\d+)?(;\d+(\.\d+)?){11}$/, 'twelve numbers separated by ;').optional()
    .describe('12 monthly multipliers, January first, separated by semicolons, e.g. 1;1;1;1;1;1;1;1;1;0.8;1.5;2.5.'),
  default_scenario_id: z.number().int().nullable().optional().describe('Default forecast scenario id.'),
  default_lead_time_days: days('Supplier lead time'),
  default_safety_stock_days: days('Safety stock coverage'),
  default_fba_lead_time: days('Amazon FBA lead time'),
  default_fba_safety_stock: days('FBA safety stock coverage'),
  default_planned_po_frequency: z.number().int().min(1).max(365).optional().describe('Days between planned purchase orders.'),
  default_fba_replenishment_frequency: z.number().int().min(1).max(365).optional().describe('Days between FBA replenishments.'),
  default_safety_stock_multiplicator_class_a: z.number().min(0).optional(),
  default_safety_stock_multiplicator_class_b: z.number().min(0).optional(),
  default_safety_stock_multiplicator_class_c: z.number().min(0).optional(),
  default_safety_stock_multiplicator_class_d: z.number().min(0).optional(),
  default_revenue_class_a: z.number().min(0).optional().describe('Revenue share threshold (%) for class A.'),
  default_revenue_class_b: z.number().min(0).optional(),
  default_revenue_class_c: z.number().min(0).optional(),
  default_pareto_class_a: z.number().min(0).max(100).optional().describe('Pareto share (%) for class A.'),
  default_pareto_class_b: z.number().min(0).max(100).optional(),
  default_pareto_class_c: z.number().min(0).max(100).optional(),
};
const settings = z.looseObject({ status: z.string().optional(), default_seasonality: z.string().optional() });

const getInput = z.object({ company: companyArg });
const getOutput = z.object({ company: companyRef, settings });

export const forecastingSettingsGet: ToolDefinition<typeof getInput, typeof getOutput> = {
  name: 'neonpanel_forecasting_settings_get',
  title: 'Forecasting settings',
  description:
    "Use to read a company's forecasting defaults: status, monthly seasonality, lead times and safety stock (supplier and FBA), ordering frequencies, and the ABC class thresholds.",
  scope: 'read:forecasting',
  toolset: 'forecasting',
  operations: ['getCompanyForecastingSettings'],
  input: getInput,
  output: getOutput,
  annotations: READ_ANNOTATIONS,
  async handler(args, ctx) {
    const c = await resolveCompany(ctx, args.company);
    const answer = dataOf(await ctx.neonpanel().GET('/api/v1/companies/{companyUuid}/settings/forecasts', { params: { path: { companyUuid: c.uuid } } }));
    return structuredResult({ company: { uuid: c.uuid, name: c.name }, settings: answer });
  },
};

const updateInput = z.object({ company: companyArg, ...settingsShape });
const updateOutput = z.object({ company: companyRef, updated: z.array(z.string()), settings });

export const forecastingSettingsUpdate: ToolDefinition<typeof updateInput, typeof updateOutput> = {
  name: 'neonpanel_forecasting_settings_update',
  title: 'Change forecasting settings',
  description:
    "Use to change a company's forecasting defaults. Replaces only the settings you pass; the others keep their values. Returns the names changed and the settings as saved.",
  scope: 'write:forecasting',
  toolset: 'forecasting',
  operations: ['updateCompanyForecastingSettings', 'getCompanyForecastingSettings'],
  input: updateInput,
  output: updateOutput,
  annotations: UPDATE_ANNOTATIONS,
  async handler(args, ctx) {
    const { company, ...fields } = args;
    const body = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
    if (Object.keys(body).length === 0) throw new ToolInputError('Nothing to update: pass at least one setting.');
    const c = await resolveCompany(ctx, company);
    const api = ctx.neonpanel();
    await api.PUT('/api/v1/companies/{companyUuid}/settings/forecasts', { params: { path: { companyUuid: c.uuid } }, body });
    const saved = dataOf(await api.GET('/api/v1/companies/{companyUuid}/settings/forecasts', { params: { path: { companyUuid: c.uuid } } }));
    return structuredResult({ company: { uuid: c.uuid, name: c.name }, updated: Object.keys(body), settings: saved }, `Updated ${Object.keys(body).join(', ')}.`);
  },
};

export const forecastingTools = [forecastingSettingsGet, forecastingSettingsUpdate];
