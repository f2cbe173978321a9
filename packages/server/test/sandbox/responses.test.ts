/**
 * Every operation the sandbox serves answers with bodies the contract allows. Checked twice:
 * by the sandbox's own recorder, and by an Ajv instance built here straight from the raw
 * document (resolving its `$ref`s itself), so a bug in one does not hide a bug in the other.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { loadNeonPanelSpec, startSandbox, staticTokenVerifier, type Sandbox } from '../../src/dev/sandbox/index.js';
import { HANDLERS } from '../../src/dev/sandbox/handlers.js';
import { OPENAPI_PATH } from '../../src/dev/sandbox/spec.js';
import { ACME, COBALT, NOW, SANDBOX_TOKENS, TOKENS, call } from './helpers.js';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

const document = JSON.parse(readFileSync(OPENAPI_PATH, 'utf8')) as { paths: Record<string, Record<string, { operationId?: string }>> };
const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
ajv.addSchema(document, 'neonpanel');

const pointer = (...parts: string[]) => parts.map((p) => encodeURIComponent(p.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');

function independentValidator(operationId: string, status: number): ValidateFunction | undefined {
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      if (operation.operationId !== operationId) continue;
      const responses = (operation as { responses: Record<string, { content?: Record<string, unknown> }> }).responses;
      if (!responses[String(status)]?.content?.['application/json']) return undefined;
      return ajv.compile({ $ref: `neonpanel#/${pointer('paths', path, method, 'responses', String(status), 'content', 'application/json', 'schema')}` });
    }
  }
  return undefined;
}

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ verifyToken: staticTokenVerifier(SANDBOX_TOKENS), now: () => NOW, importPolls: 1, extraCompaniesPerUser: 2 });
});

afterAll(async () => {
  await sandbox.close();
});

/** A valid request for every served operation, several for the data-heavy ones. */
function sweep(): Array<{ path: string; method?: string; body?: unknown; token?: string }> {
  const requests: Array<{ path: string; method?: string; body?: unknown; token?: string }> = [
    { path: '/api/v1/companies?page=1&per_page=10' },
    { path: '/api/v1/permissions' },
    { path: `/api/v1/permissions/view:pages.inventory/companies?company_uuids=${ACME}` },
    { path: '/api/v1/reports' },
    { path: '/api/v1/reports/1' },
    { path: '/api/v1/reports/5' },
    { path: '/api/v1/import/bill/instructions' },
    { path: '/api/v1/revenue-and-cogs?start_date=2024-01-01&end_date=2025-06-15&periodicity=quarterly&grouping=company&grouping=country&grouping=invoice' },
    { path: '/api/v1/revenue-and-cogs?start_date=2024-06-01&periodicity=yearly' },
    { path: '/api/v1/revenue-and-cogs?start_date=2025-01-01', token: TOKENS.bob },
  ];
  for (const data of sandbox.dataset.companies) {
    const uuid = data.company.uuid;
    const token = Object.entries(SANDBOX_TOKENS).find(([, subject]) => sandbox.dataset.access.get(subject)?.has(uuid))?.[0];
    if (!token) throw new Error(`nobody can access ${uuid}`);
    const base = `/api/v1/companies/${uuid}`;
    requests.push(
      { path: `${base}/permissions`, token },
      { path: `${base}/warehouses?per_page=10`, token },
      { path: `${base}/inventory-items?page=2&per_page=10`, token },
      { path: `${base}/listings`, token },
    );
    for (const warehouse of data.warehouses) {
      requests.push({ path: `${base}/warehouses/${warehouse.uuid}/balances?balances_date=2025-02-10&per_page=60`, token });
    }
    for (const item of data.items.slice(0, 3)) {
      requests.push(
        { path: `${base}/inventory-items/${item.id}`, token },
        { path: `${base}/inventory-items/${item.id}/balances`, token },
        { path: `${base}/inventory-items/${item.id}/cogs?start_date=2024-01-01&per_page=60`, token },
        { path: `${base}/inventory-items/${item.id}/landed-cost?warehouse_uuid=${item.warehouseUuid}&start_date=2024-01-01`, token },
      );
    }
  }
  return requests;
}

it('every served operation answers with contract-valid bodies', async () => {
  for (const request of sweep()) {
    const answer = await call(sandbox, request.path, { ...(request.token ? { token: request.token } : {}) });
    expect({ path: request.path, status: answer.status }).toEqual({ path: request.path, status: 200 });
  }
  // Import: create, 202 while processing, 200 when done.
  const created = await call(sandbox, `/api/v1/companies/${ACME}/create/bill`, {
    method: 'POST',
    body: { data: { vendor_name: 'V', ref_number: 'R-1', date: '2025-05-01', lines: [{ sku: 'AOG-001-US', quantity: 2, unit_price: 3 }] } },
  });
  expect(created.status).toBe(200);
  const status = `/api/v1/companies/${ACME}/import/bill/status/${created.body.request_id as string}`;
  expect((await call(sandbox, status)).status).toBe(202);
  expect((await call(sandbox, status)).status).toBe(200);

  const pdf = await call(sandbox, `/api/v1/companies/${ACME}/import/bill/pdf`, {
    method: 'POST', body: { file: { name: 'bill.pdf', link: 'https://files.example.com/bill.pdf' } },
  });
  expect(pdf.status).toBe(202);

  const served = new Set(sandbox.requests.filter((r) => r.status !== undefined && r.status < 300).map((r) => r.operationId));
  expect([...served].sort()).toEqual(Object.keys(HANDLERS).sort());

  expect(sandbox.specViolations()).toEqual([]);
  expect(sandbox.responseViolations().map((r) => [r.path, r.responseErrors])).toEqual([]);
});

it('the bodies also pass a validator built independently from the raw document', async () => {
  sandbox.clearRequests();
  const checked = new Set<string>();
  for (const request of sweep().slice(0, 40)) {
    const answer = await call(sandbox, request.path, { ...(request.token ? { token: request.token } : {}) });
    const record = sandbox.requests.at(-1)!;
    const validate = independentValidator(record.operationId!, answer.status);
    expect(validate).toBeDefined();
    const ok = validate!(answer.body);
    expect({ path: request.path, errors: ok ? null : validate!.errors }).toEqual({ path: request.path, errors: null });
    checked.add(record.operationId!);
  }
  expect(checked.size).toBeGreaterThanOrEqual(12);
});

it('error answers use the documented envelopes', async () => {
  sandbox.clearRequests();
  await call(sandbox, '/api/v1/companies', { token: 'bad' });
  await call(sandbox, `/api/v1/companies/${COBALT}/warehouses`);
  await call(sandbox, `/api/v1/companies/${ACME}/inventory-items/1`);
  await call(sandbox, `/api/v1/companies/${ACME}/inventory-items?per_page=100`);
  await call(sandbox, '/api/v1/reports/42');
  await call(sandbox, `/api/v1/companies/${ACME}/create/bill`, { method: 'POST', body: { data: { date: '2025-05-01' } } });
  expect(sandbox.requests.map((r) => r.status)).toEqual([401, 403, 404, 422, 404, 422]);
  expect(sandbox.responseViolations()).toEqual([]);
});

it('the response checks do catch a body that breaks the contract', async () => {
  const spec = await loadNeonPanelSpec();
  const broken = { current_page: '1', data: [{ id: 'one', uuid: 7 }] };
  expect(spec.validateResponse('listCompanies', 200, broken).length).toBeGreaterThan(0);
  expect(independentValidator('listCompanies', 200)!(broken)).toBe(false);
  expect(spec.validateResponse('listCompanies', 403, { message: 42 }).length).toBeGreaterThan(0);
  expect(spec.validateResponse('checkImportProcessing', 202, { request_id: 'not-a-uuid' })).toEqual(['/request_id must match format "uuid"']);
});
