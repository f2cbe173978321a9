/**
 * Catalogue tools: products, and the reference data documents name (vendors, services,
 * payment terms, sales channels), so a model can turn "Acme's freight" into ids.
 */
import { z } from 'zod';
import type { ToolDefinition } from './types.js';
import { companyArg, companyRef, dataOf, pageInfo, pageOf, READ_ANNOTATIONS, resolveCompany } from './common.js';
import { ToolInputError } from './errors.js';
import { structuredResult } from './result.js';
import { CREATE_ANNOTATIONS, DELETE_ANNOTATIONS, idempotencyKeyArg, once, UPDATE_ANNOTATIONS } from './writes.js';

const product = z.looseObject({ id: z.number().int(), sku: z.string().optional(), name: z.string().optional() });
const compactProduct = (p: Record<string, unknown>) => Object.fromEntries(Object.entries(p).filter(([, v]) => v !== null && v !== undefined));

const productsInput = z.object({
  company: companyArg,
  search: z.string().trim().min(1).max(200).optional().describe('Free text over SKU, name and parent SKU.'),
  sku: z.string().trim().min(1).max(100).optional().describe('Exact SKU.'),
  product_id: z.number().int().positive().optional(),
});
const productsOutput = z.object({ company: companyRef, products: z.array(product), pagination: pageInfo });

export const productsSearch: ToolDefinition<typeof productsInput, typeof productsOutput> = {
  name: 'neonpanel_products_search',
  title: 'List and search products',
  description: "Use to find a company's products (a product groups the inventory items of one SKU across marketplaces). Returns id, SKU, parent SKU, name, image and dimensions.",
  scope: 'read:catalogue',
  toolset: 'catalogue',
  operations: ['getProducts'],
  input: productsInput,
  output: productsOutput,
  annotations: READ_ANNOTATIONS,
  async handler(args, ctx) {
    const c = await resolveCompany(ctx, args.company);
    const answer = dataOf(await ctx.neonpanel().GET('/api/v1/companies/{companyUuid}/products', {
      params: { path: { companyUuid: c.uuid } },
      body: { ...(args.search ? { search: args.search } : {}), ...(args.sku ? { sku: args.sku } : {}), ...(args.product_id ? { id: args.product_id } : {}) },
    }));
    const products = (answer.data ?? []).map((p) => compactProduct(p));
    return structuredResult({ company: { uuid: c.uuid, name: c.name }, products, pagination: pageOf(answer, { page: 1, per_page: products.length }) });
  },
};

const createInput = z.object({ company: companyArg, idempotency_key: idempotencyKeyArg });
const productOutput = z.object({ company: companyRef, product });

export const productCreate: ToolDefinition<typeof createInput, typeof productOutput> = {
  name: 'neonpanel_product_create',
  title: 'Create a product',
  description:
    "Use to add a new, empty product record to a company. NeonPanel's API takes no product fields here (contract 1.2.0-beta): it assigns the SKU and name, which are edited in NeonPanel. Returns the new product's id; attach inventory items to it with neonpanel_inventory_item_create.",
  scope: 'write:catalogue',
  toolset: 'catalogue',
  operations: ['createProduct'],
  input: createInput,
  output: productOutput,
  annotations: CREATE_ANNOTATIONS,
  async handler(args, ctx) {
    const c = await resolveCompany(ctx, args.company);
    return once(ctx, args.idempotency_key, { op: 'product.create', company: c.uuid }, async () => {
      const answer = dataOf(await ctx.neonpanel().POST('/api/v1/companies/{companyUuid}/products', { params: { path: { companyUuid: c.uuid } } }));
      return structuredResult({ company: { uuid: c.uuid, name: c.name }, product: compactProduct(answer) as z.infer<typeof product> }, `Created product ${answer.id}.`);
    }, 'Check with neonpanel_products_search');
  },
};

const productIdInput = z.object({ company: companyArg, product_id: z.number().int().positive().describe('The product id (neonpanel_products_search).') });

export const productUpdate: ToolDefinition<typeof productIdInput, typeof productOutput> = {
  name: 'neonpanel_product_update',
  title: 'Save a product',
  description:
    "Use to re-save a product so NeonPanel recomputes it, and read it back. NeonPanel's API accepts no product fields on update (contract 1.2.0-beta), so this replaces nothing; change SKU, name or dimensions in NeonPanel itself.",
  scope: 'write:catalogue',
  toolset: 'catalogue',
  operations: ['updateProduct'],
  input: productIdInput,
  output: productOutput,
  annotations: { ...UPDATE_ANNOTATIONS, destructiveHint: false },
  async handler(args, ctx) {
    const c = await resolveCompany(ctx, args.company);
    const answer = dataOf(await ctx.neonpanel().PUT('/api/v1/companies/{companyUuid}/products/{productId}', { params: { path: { companyUuid: c.uuid, productId: args.product_id } } }));
    return structuredResult({ company: { uuid: c.uuid, name: c.name }, product: compactProduct(answer) as z.infer<typeof product> });
  },
};

const deletedOutput = z.object({ company: companyRef, deleted: z.looseObject({ product_id: z.number().int(), sku: z.string().optional(), name: z.string().optional() }) });

export const productDelete: ToolDefinition<typeof productIdInput, typeof deletedOutput> = {
  name: 'neonpanel_product_delete',
  title: 'Delete a product',
  description:
    'Use to delete a product. Its inventory items are kept (they are no longer grouped under it). Cannot be undone. Returns the SKU and name of the product deleted.',
  scope: 'write:catalogue',
  toolset: 'catalogue',
  operations: ['getProducts', 'deleteProduct'],
  input: productIdInput,
  output: deletedOutput,
  annotations: DELETE_ANNOTATIONS,
  async handler(args, ctx) {
    const c = await resolveCompany(ctx, args.company);
    const api = ctx.neonpanel();
    // Read it first, so the result names what was deleted (the delete answers 204 with no body).
    const found = dataOf(await api.GET('/api/v1/companies/{companyUuid}/products', { params: { path: { companyUuid: c.uuid } }, body: { id: args.product_id } })).data ?? [];
    const target = found.find((p) => p.id === args.product_id);
    if (!target) throw new ToolInputError(`No product with id ${args.product_id} in ${c.name}. Use neonpanel_products_search to find it.`);
    await api.DELETE('/api/v1/companies/{companyUuid}/products/{productId}', { params: { path: { companyUuid: c.uuid, productId: args.product_id } } });
    return structuredResult(
      { company: { uuid: c.uuid, name: c.name }, deleted: { product_id: args.product_id, ...(target.sku ? { sku: target.sku } : {}), ...(target.name ? { name: target.name } : {}) } },
      `Deleted product ${target.sku ?? args.product_id}${target.name ? ` (${target.name})` : ''}.`,
    );
  },
};

const searchByName = z.object({ company: companyArg, search: z.string().trim().min(1).max(200).optional().describe('Free text over the name.') });
const vendor = z.looseObject({ id: z.number().int(), name: z.string().nullable().optional(), code: z.string().nullable().optional(), payment_term_id: z.number().int().nullable().optional() });
const vendorsOutput = z.object({ company: companyRef, vendors: z.array(vendor), pagination: pageInfo });

export const vendorsList: ToolDefinition<typeof searchByName, typeof vendorsOutput> = {
  name: 'neonpanel_vendors_list',
  title: 'List vendors',
  description: "Use to find a company's vendors (suppliers, forwarders) and their ids for inventory orders and bills. Returns id, name, code and default payment term id.",
  scope: 'read:catalogue',
  toolset: 'catalogue',
  operations: ['vendors.list'],
  input: searchByName,
  output: vendorsOutput,
  annotations: READ_ANNOTATIONS,
  async handler(args, ctx) {
    const c = await resolveCompany(ctx, args.company);
    const answer = dataOf(await ctx.neonpanel().GET('/api/v1/companies/{companyUuid}/vendors', {
      params: { path: { companyUuid: c.uuid }, query: { ...(args.search ? { search: args.search } : {}), per_page: 100 } },
    }));
    // bk_id/bk_type are the bookkeeping system's own keys: not useful to a model.
    const vendors = (answer.data ?? []).map(({ bk_id: _id, bk_type: _type, ...v }) => v).filter((v): v is typeof v & { id: number } => typeof v.id === 'number');
    return structuredResult({ company: { uuid: c.uuid, name: c.name }, vendors, pagination: pageOf(answer, { page: 1, per_page: 100 }) });
  },
};

const service = z.looseObject({ id: z.number().int(), name: z.string().nullable().optional(), group: z.string().nullable().optional() });
const servicesOutput = z.object({ company: companyRef, services: z.array(service), pagination: pageInfo });

export const servicesList: ToolDefinition<typeof searchByName, typeof servicesOutput> = {
  name: 'neonpanel_services_list',
  title: 'List services',
  description: "Use to find a company's services (freight, duty, prep, sales…) and their ids: every bill, invoice and adjustment line names one. Returns id, name and group.",
  scope: 'read:catalogue',
  toolset: 'catalogue',
  operations: ['services.list'],
  input: searchByName,
  output: servicesOutput,
  annotations: READ_ANNOTATIONS,
  async handler(args, ctx) {
    const c = await resolveCompany(ctx, args.company);
    const answer = dataOf(await ctx.neonpanel().GET('/api/v1/companies/{companyUuid}/services', {
      params: { path: { companyUuid: c.uuid }, query: { ...(args.search ? { search: args.search } : {}), per_page: 100 } },
    }));
    const services = (answer.data ?? []).filter((s): s is typeof s & { id: number } => typeof s.id === 'number');
    return structuredResult({ company: { uuid: c.uuid, name: c.name }, services, pagination: pageOf(answer, { page: 1, per_page: 100 }) });
  },
};

const companyOnly = z.object({ company: companyArg });
const term = z.looseObject({ id: z.number().int(), name: z.string(), applies_to: z.string().nullable(), schedule: z.string() });
const termsOutput = z.object({ company: companyRef, payment_terms: z.array(term) });

export const paymentTermsList: ToolDefinition<typeof companyOnly, typeof termsOutput> = {
  name: 'neonpanel_payment_terms_list',
  title: 'List payment terms',
  description: 'Use to pick a payment term for an inventory order or bill. Returns each term with its id, the document type it applies to, and its schedule in words (e.g. "30% at date_order_placed; 70% 30 days after date_manufacturing_completed").',
  scope: 'read:catalogue',
  toolset: 'catalogue',
  operations: ['paymentTerms.list'],
  input: companyOnly,
  output: termsOutput,
  annotations: READ_ANNOTATIONS,
  async handler(args, ctx) {
    const c = await resolveCompany(ctx, args.company);
    const answer = dataOf(await ctx.neonpanel().GET('/api/v1/companies/{companyUuid}/payment-terms', { params: { path: { companyUuid: c.uuid } } }));
    const terms = (answer.data ?? []).filter((t): t is typeof t & { id: number } => typeof t.id === 'number').map((t) => ({
      id: t.id,
      name: t.name ?? '',
      applies_to: t.document ?? null,
      schedule: (t.schema ?? []).map((s) => `${s.percentage ?? '?'}% ${s.days_offset ? `${s.days_offset} days after` : 'at'} ${s.date_anchor ?? 'the document date'}`).join('; '),
    }));
    return structuredResult({ company: { uuid: c.uuid, name: c.name }, payment_terms: terms });
  },
};

const noInput = z.object({});
const channelsOutput = z.object({ sales_channels: z.array(z.object({ id: z.number().int(), name: z.string().nullable() })) });

export const salesChannelsList: ToolDefinition<typeof noInput, typeof channelsOutput> = {
  name: 'neonpanel_sales_channels_list',
  title: 'List sales channels',
  description: 'Use to find the id of a sales channel (Amazon, Shopify…) for an invoice. Returns every channel NeonPanel knows, with its id.',
  scope: 'read:catalogue',
  toolset: 'catalogue',
  operations: ['salesChannels.list'],
  input: noInput,
  output: channelsOutput,
  annotations: READ_ANNOTATIONS,
  async handler(_args, ctx) {
    const answer = dataOf(await ctx.neonpanel().GET('/api/v1/sales-channels'));
    const channels = (answer.data ?? []).filter((s): s is typeof s & { id: number } => typeof s.id === 'number').map((s) => ({ id: s.id, name: s.name ?? null }));
    return structuredResult({ sales_channels: channels });
  },
};

export const catalogueTools = [productsSearch, productCreate, productUpdate, productDelete, vendorsList, servicesList, paymentTermsList, salesChannelsList];
