/**
 * The sandbox as a stand-in for NeonPanel: authentication, contract enforcement, pagination,
 * filters, company access, consistency of the numbers, imports and fault injection.
 */
import { startSandbox, staticTokenVerifier, type Sandbox } from '../../src/dev/sandbox/index.js';
import { loadNeonPanelSpec } from '../../src/dev/sandbox/spec.js';
import { HANDLERS } from '../../src/dev/sandbox/handlers.js';
import { BOOK_HANDLERS } from '../../src/dev/sandbox/bookHandlers.js';
import {
  ACME, ALICE, BOB, BOREALIS, COBALT, NOW, SANDBOX_TOKENS, TOKENS, allPages, call, sum,
} from './helpers.js';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ verifyToken: staticTokenVerifier(SANDBOX_TOKENS), now: () => NOW, importPolls: 2, importRetryAfterSeconds: 3 });
});

afterAll(async () => {
  await sandbox.close();
});

beforeEach(() => {
  sandbox.clearFaults();
  sandbox.clearRequests();
});

const items = (company: string) => `/api/v1/companies/${company}/inventory-items`;

describe('authentication', () => {
  it.each([
    ['no Authorization header', null],
    ['an unknown token', 'who-knows'],
  ])('answers 401 with {message} for %s', async (_name, token) => {
    const answer = await call(sandbox, '/api/v1/companies', { token });
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ message: 'Unauthenticated.' });
    expect(answer.headers.get('www-authenticate')).toBe('Bearer');
    expect(sandbox.requests[0]?.subject).toBeUndefined();
  });

  it('rejects a non-Bearer scheme', async () => {
    const answer = await call(sandbox, '/api/v1/companies', { token: null, headers: { authorization: `Basic ${TOKENS.alice}` } });
    expect(answer.status).toBe(401);
  });

  it('checks the token before validating the request, as the real API does', async () => {
    const answer = await call(sandbox, `${items(ACME)}?per_page=500`, { token: null });
    expect(answer.status).toBe(401);
    expect(sandbox.requests[0]?.specErrors).toEqual(['query.per_page: must be <= 60']);
  });
});

describe('contract enforcement', () => {
  it('422 with field errors for an out-of-range or unknown query parameter, recorded', async () => {
    const answer = await call(sandbox, `${items(ACME)}?per_page=5&colour=red`);
    expect(answer.status).toBe(422);
    expect(answer.body.errors).toEqual({
      per_page: ['The per_page field must be >= 10.'],
      colour: ['The colour field is not a parameter of this operation.'],
    });
    expect(sandbox.specViolations()).toHaveLength(1);
    expect([...sandbox.specViolations()[0]!.specErrors].sort()).toEqual([
      'query.colour: is not a parameter of this operation',
      'query.per_page: must be >= 10',
    ]);
  });

  it('422 for a missing required parameter and for a bad date format', async () => {
    const missing = await call(sandbox, `${items(ACME)}/1001/cogs`);
    expect(missing.status).toBe(422);
    expect(Object.keys(missing.body.errors)).toEqual(['start_date']);
    const badDate = await call(sandbox, '/api/v1/revenue-and-cogs?start_date=2024-01-01T00:00:00Z');
    expect(badDate.status).toBe(422);
    expect(badDate.body.errors.start_date[0]).toMatch(/format "date"/);
  });

  it('422 for an enum violation in an exploded array parameter', async () => {
    const answer = await call(sandbox, '/api/v1/revenue-and-cogs?start_date=2025-01-01&grouping=company&grouping=warehouse');
    expect(answer.status).toBe(422);
    expect(Object.keys(answer.body.errors)).toEqual(['grouping.1']);
  });

  it('400 for a malformed route parameter or malformed JSON', async () => {
    expect((await call(sandbox, `${items(ACME)}/not-a-number`)).status).toBe(400);
    const json = await call(sandbox, `/api/v1/companies/${ACME}/create/bill`, { method: 'POST', rawBody: '{"data":', headers: { 'content-type': 'application/json' } });
    expect(json.status).toBe(400);
    expect(sandbox.specViolations().map((r) => r.specErrors)).toEqual([['path.inventoryId: must be integer'], ['requestBody: is not valid JSON']]);
  });

  it('422 when a required body is missing or has the wrong shape', async () => {
    const none = await call(sandbox, `/api/v1/companies/${ACME}/create/bill`, { method: 'POST' });
    expect(none.status).toBe(422);
    const wrong = await call(sandbox, `/api/v1/companies/${ACME}/create/bill`, { method: 'POST', body: { data: 'a string' } });
    expect(wrong.status).toBe(422);
    expect(Object.keys(wrong.body.errors)).toEqual(['data']);
  });

  it('404 and 405 for requests outside the contract, recorded as violations', async () => {
    expect((await call(sandbox, '/api/v1/inventory')).status).toBe(404);
    expect((await call(sandbox, '/api/v1/companies', { method: 'DELETE' })).status).toBe(405);
    expect(sandbox.specViolations()).toHaveLength(2);
  });

  it('a valid request records no violation', async () => {
    expect((await call(sandbox, `${items(ACME)}?page=1&per_page=10&country_code=US`)).status).toBe(200);
    expect(sandbox.specViolations()).toEqual([]);
  });

  it('has a handler for every business operation of the contract', async () => {
    const spec = await loadNeonPanelSpec();
    const business = spec.operations().filter((op) => op.path.startsWith('/api/v1/')).map((op) => op.operationId);
    expect(business.length).toBeGreaterThanOrEqual(59);
    const served = new Set([...Object.keys(HANDLERS), ...Object.keys(BOOK_HANDLERS)]);
    expect(business.filter((op) => !served.has(op))).toEqual([]);
  });
});

describe('pagination', () => {
  it('pages through every inventory item exactly once', async () => {
    const { pages, items: list } = await allPages<{ id: number }>(sandbox, items(ACME), 10);
    expect(pages).toBe(4);
    expect(list).toHaveLength(32);
    expect(new Set(list.map((i) => i.id)).size).toBe(32);
  });

  it('puts current_page, per_page and last_page next to data, default per_page 30', async () => {
    const answer = await call(sandbox, items(ACME));
    expect(answer.body).toMatchObject({ current_page: 1, per_page: 30, last_page: 2 });
    expect(answer.body.data).toHaveLength(30);
    const beyond = await call(sandbox, `${items(ACME)}?page=9&per_page=10`);
    expect(beyond.body).toMatchObject({ current_page: 9, last_page: 4, data: [] });
  });

  it('serves reports as a plain list (not paginated), as the contract says', async () => {
    const answer = await call(sandbox, '/api/v1/reports');
    expect(Object.keys(answer.body).sort()).toEqual(['count', 'data']);
    expect(answer.body.count).toBe(answer.body.data.length);
    expect((await call(sandbox, '/api/v1/reports?page=2')).status).toBe(422);
  });

  it('pages companies when a user has many', async () => {
    const big = await startSandbox({ verifyToken: staticTokenVerifier(SANDBOX_TOKENS), now: () => NOW, extraCompaniesPerUser: 12 });
    try {
      const { pages, items: companies } = await allPages<{ uuid: string }>(big, '/api/v1/companies', 10);
      expect(pages).toBe(2);
      expect(companies).toHaveLength(14);
      expect(companies.map((c) => c.uuid)).toEqual(expect.arrayContaining(ALICE.companies));
      const bobs = await allPages<{ uuid: string }>(big, '/api/v1/companies', 10, TOKENS.bob);
      expect(bobs.items).toHaveLength(13);
      expect(bobs.items.some((c) => ALICE.companies.includes(c.uuid))).toBe(false);
    } finally {
      await big.close();
    }
  });
});

describe('filters', () => {
  const acme = () => sandbox.dataset.company(ACME)!;

  it('sku, fnsku and asin match exactly; an ASIN is shared by both marketplaces', async () => {
    const item = acme().items[5]!;
    expect((await call(sandbox, `${items(ACME)}?sku=${item.sku}`)).body.data.map((i: { id: number }) => i.id)).toEqual([item.id]);
    expect((await call(sandbox, `${items(ACME)}?fnsku=${item.fnsku}`)).body.data.map((i: { id: number }) => i.id)).toEqual([item.id]);
    const byAsin = await call(sandbox, `${items(ACME)}?asin=${item.asin}`);
    expect(byAsin.body.data.map((i: { country_code: string }) => i.country_code).sort()).toEqual(['CA', 'US']);
    expect(byAsin.body.filters).toEqual({ asin: item.asin });
  });

  it('country_code and free-text search', async () => {
    const us = await allPages<{ country_code: string }>(sandbox, `${items(ACME)}?country_code=US`, 10);
    expect(us.items).toHaveLength(16);
    expect(new Set(us.items.map((i) => i.country_code))).toEqual(new Set(['US']));
    const tent = await call(sandbox, `${items(ACME)}?search=tent`);
    expect(tent.body.data.map((i: { name: string }) => i.name)).toEqual(['Two-Person Dome Tent', 'Two-Person Dome Tent']);
    expect((await call(sandbox, `${items(ACME)}?search=no-such-thing`)).body.data).toEqual([]);
  });

  it('warehouse search by name', async () => {
    const fba = await call(sandbox, `/api/v1/companies/${ACME}/warehouses?search=fba`);
    expect(fba.body.data.map((w: { name: string }) => w.name)).toEqual(['Amazon FBA US', 'Amazon FBA CA']);
  });

  it('listing filters travel in the query string', async () => {
    const product = acme().products[2]!;
    const byAsin = await call(sandbox, `/api/v1/companies/${ACME}/listings?asin=${product.asin}`);
    expect(byAsin.body.data.map((l: { id: number }) => l.id)).toEqual([product.listingId]);
    const byId = await call(sandbox, `/api/v1/companies/${ACME}/listings?id=${product.listingId}`);
    expect(byId.body.data).toHaveLength(1);
    expect((await call(sandbox, `/api/v1/companies/${ACME}/listings`)).body.data).toHaveLength(16);
    expect((await call(sandbox, `/api/v1/companies/${ACME}/listings?id=abc`)).status).toBe(422);
    expect((await call(sandbox, `/api/v1/companies/${ACME}/listings?page=2`)).status).toBe(422);
  });

  it('revenue: company_uuids, country_codes, grouping and periodicity', async () => {
    const monthly = await call(sandbox, `/api/v1/revenue-and-cogs?company_uuids=${ACME}&country_codes=US&grouping=country&periodicity=monthly&start_date=2025-01-01&end_date=2025-03-31`);
    expect(monthly.status).toBe(200);
    expect(monthly.body.data.map((r: { start_date: string; end_date: string }) => [r.start_date, r.end_date])).toEqual([
      ['2025-01-01', '2025-01-31'], ['2025-02-01', '2025-02-28'], ['2025-03-01', '2025-03-31'],
    ]);
    expect(monthly.body.data.every((r: { country_code: string; company: unknown }) => r.country_code === 'US' && r.company === null)).toBe(true);
    const total = await call(sandbox, `/api/v1/revenue-and-cogs?company_uuids=${ACME}&country_codes=US&grouping=country&start_date=2025-01-01&end_date=2025-03-31`);
    expect(total.body.data).toHaveLength(1);
    expect(total.body.data[0].revenue_amount).toBeCloseTo(sum(monthly.body.data.map((r: { revenue_amount: number }) => r.revenue_amount)), 2);
    const invoices = await call(sandbox, `/api/v1/revenue-and-cogs?company_uuids=${ACME}&grouping=invoice&start_date=2025-01-01&end_date=2025-03-31`);
    expect(invoices.body.data.map((r: { invoice: { ref_number: string } }) => r.invoice.ref_number).sort()).toEqual([
      'INV-AOG-CA-202501', 'INV-AOG-CA-202502', 'INV-AOG-CA-202503', 'INV-AOG-US-202501', 'INV-AOG-US-202502', 'INV-AOG-US-202503',
    ]);
  });

  it('revenue defaults to every accessible company, grouped by company, one currency per row', async () => {
    const answer = await call(sandbox, '/api/v1/revenue-and-cogs?start_date=2025-01-01&end_date=2025-06-30&periodicity=quarterly');
    expect(answer.body.filters.company_uuids.sort()).toEqual([ACME, BOREALIS].sort());
    expect(answer.body.data.map((r: { company: { uuid: string }; currency: string; start_date: string }) => [r.start_date, r.company.uuid, r.currency])).toEqual([
      ['2025-01-01', ACME, 'USD'], ['2025-01-01', BOREALIS, 'EUR'], ['2025-04-01', ACME, 'USD'], ['2025-04-01', BOREALIS, 'EUR'],
    ]);
  });
});

describe('company access', () => {
  it('each user lists only their companies; a stranger lists none', async () => {
    expect((await call(sandbox, '/api/v1/companies', { token: TOKENS.bob })).body.data.map((c: { uuid: string }) => c.uuid)).toEqual([COBALT]);
    expect((await call(sandbox, '/api/v1/companies', { token: TOKENS.stranger })).body.data).toEqual([]);
  });

  it.each([
    `/api/v1/companies/${ACME}/warehouses`,
    `/api/v1/companies/${ACME}/inventory-items/1001`,
    `/api/v1/companies/${ACME}/permissions`,
    `/api/v1/companies/${ACME}/listings`,
    `/api/v1/revenue-and-cogs?start_date=2025-01-01&company_uuids=${ACME}`,
    '/api/v1/companies/00000000-0000-4000-8000-000000000000/warehouses',
  ])('403 for bob on %s', async (path) => {
    const answer = await call(sandbox, path, { token: TOKENS.bob });
    expect(answer.status).toBe(403);
    expect(answer.body).toEqual({ message: 'This action is unauthorized.' });
  });

  it('404 for an item or warehouse outside an accessible company', async () => {
    const cobaltItem = sandbox.dataset.company(COBALT)!.items[0]!.id;
    expect((await call(sandbox, `${items(ACME)}/${cobaltItem}`)).status).toBe(404);
    const cobaltWarehouse = sandbox.dataset.company(COBALT)!.warehouses[0]!.uuid;
    expect((await call(sandbox, `/api/v1/companies/${ACME}/warehouses/${cobaltWarehouse}/balances`)).status).toBe(404);
  });

  it('permissions follow the demo scopes, and restricted reports answer 403', async () => {
    const alice = await call(sandbox, `/api/v1/companies/${ACME}/permissions`);
    const bob = await call(sandbox, `/api/v1/companies/${COBALT}/permissions`, { token: TOKENS.bob });
    expect(alice.body.permissions).toContain('import:documents');
    expect(bob.body.permissions).not.toContain('import:documents');
    expect(bob.body.permissions).toContain('view:pages.inventory');
    expect((await call(sandbox, '/api/v1/reports', { token: TOKENS.bob })).body.count).toBe(4);
    expect((await call(sandbox, '/api/v1/reports/5', { token: TOKENS.bob })).status).toBe(403);
    expect((await call(sandbox, '/api/v1/reports/5')).status).toBe(200);
    expect((await call(sandbox, '/api/v1/reports/99')).status).toBe(404);
  });
});

describe('numbers that agree', () => {
  const acme = () => sandbox.dataset.company(ACME)!;

  it('warehouse balances and item balances tell the same story', async () => {
    const fbaUs = acme().warehouses.find((w) => w.name === 'Amazon FBA US')!;
    const byWarehouse = await allPages<{ inventory: { id: number }; balance: number }>(
      sandbox, `/api/v1/companies/${ACME}/warehouses/${fbaUs.uuid}/balances?balances_date=2025-05-20`, 10,
    );
    expect(byWarehouse.items).toHaveLength(16);
    for (const row of byWarehouse.items.slice(0, 4)) {
      const perItem = await call(sandbox, `${items(ACME)}/${row.inventory.id}/balances?balances_date=2025-05-20`);
      const here = perItem.body.balances_data.balances_list.find((b: { warehouse: { uuid: string } }) => b.warehouse.uuid === fbaUs.uuid);
      expect(here.balance).toBe(row.balance);
      expect(row.balance).toBeGreaterThan(0);
    }
    const returns = acme().warehouses.find((w) => w.name === 'Returns Center')!;
    expect((await call(sandbox, `/api/v1/companies/${ACME}/warehouses/${returns.uuid}/balances`)).body.data).toEqual([]);
    expect((await call(sandbox, `/api/v1/companies/${ACME}/warehouses/${fbaUs.uuid}/balances?balances_date=2023-12-31`)).body.data).toEqual([]);
  });

  it('an item\'s COGS lines add up, and all items add up to the revenue-and-COGS report', async () => {
    const range = 'start_date=2025-01-01&end_date=2025-03-31';
    let cogs = 0;
    for (const item of acme().items) {
      const answer = await call(sandbox, `${items(ACME)}/${item.id}/cogs?${range}&per_page=60`);
      expect(answer.status).toBe(200);
      const { details, amount, total_amount: total, lost_amount: lost, quantity } = answer.body;
      expect(details).toHaveLength(3);
      expect(sum(details.map((d: { amount: number }) => d.amount))).toBeCloseTo(amount, 2);
      expect(total).toBeCloseTo(amount + lost, 2);
      expect(details.reduce((s: number, d: { quantity: number }) => s + d.quantity, 0)).toBe(quantity);
      for (const line of details) expect(sum(line.details.map((d: { amount: number }) => d.amount))).toBeCloseTo(line.amount, 2);
      cogs += amount;
    }
    const report = await call(sandbox, `/api/v1/revenue-and-cogs?company_uuids=${ACME}&${range}`);
    expect(report.body.data).toHaveLength(1);
    expect(report.body.data[0].cogs_amount).toBeCloseTo(cogs, 2);
    expect(report.body.data[0].revenue_amount).toBeGreaterThan(report.body.data[0].cogs_amount);
  });

  it('landed cost per warehouse: batches received there, cost lines adding up', async () => {
    const item = acme().items[0]!;
    const fba = acme().warehouses.find((w) => w.uuid === item.warehouseUuid)!;
    const main = acme().warehouses.find((w) => w.name.startsWith('Main'))!;
    const other = acme().warehouses.find((w) => w.role === 'fba' && w.uuid !== item.warehouseUuid)!;
    const year = await call(sandbox, `${items(ACME)}/${item.id}/landed-cost?warehouse_uuid=${fba.uuid}&start_date=2024-01-01&end_date=2024-12-31`);
    expect(year.body.data.map((b: { batch: { ref_number: string } }) => b.batch.ref_number)).toEqual(
      ['BILL-AOG-US-2024Q1', 'BILL-AOG-US-2024Q2', 'BILL-AOG-US-2024Q3', 'BILL-AOG-US-2024Q4'],
    );
    expect(sum(year.body.data.map((b: { amount: number }) => b.amount))).toBeCloseTo(year.body.amount, 2);
    const opening = await call(sandbox, `${items(ACME)}/${item.id}/landed-cost?warehouse_uuid=${main.uuid}&start_date=2024-01-01`);
    expect(opening.body.quantity).toBe(item.reserveUnits);
    const none = await call(sandbox, `${items(ACME)}/${item.id}/landed-cost?warehouse_uuid=${other.uuid}&start_date=2024-01-01`);
    expect(none.body).toMatchObject({ amount: 0, quantity: 0, data: [] });
    const unknown = await call(sandbox, `${items(ACME)}/${item.id}/landed-cost?warehouse_uuid=nope&start_date=2024-01-01`);
    expect(unknown.status).toBe(422);
    expect(Object.keys(unknown.body.errors)).toEqual(['warehouse_uuid']);
  });
});

describe('import', () => {
  const bill = (ref: string, date = '2025-05-02') => ({
    data: { vendor_name: 'Trail Supply Co', ref_number: ref, date, lines: [{ sku: 'AOG-001-US', quantity: 5, unit_price: 12.5 }] },
  });

  it('creates, answers 202 with Retry-After while processing, then 200 with the documents', async () => {
    const created = await call(sandbox, `/api/v1/companies/${ACME}/create/bill`, { method: 'POST', body: bill('FLOW-1') });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ status: 'processing', documents: [] });
    const id = created.body.request_id as string;
    expect(created.headers.get('x-request-id')).toBe(id);
    const status = `/api/v1/companies/${ACME}/import/bill/status/${id}`;
    for (let poll = 0; poll < 2; poll += 1) {
      const waiting = await call(sandbox, status);
      expect(waiting.status).toBe(202);
      expect(waiting.headers.get('retry-after')).toBe('3');
      expect(waiting.body).toEqual({ request_id: id, status: 'processing' });
    }
    const done = await call(sandbox, status);
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('done');
    expect(done.body.documents).toEqual([expect.objectContaining({ type: 'Bill', ref_number: 'FLOW-1', date: '2025-05-02', status: 'Draft' })]);
    expect((await call(sandbox, `/api/v1/companies/${BOREALIS}/import/bill/status/${id}`)).status).toBe(404);
    expect((await call(sandbox, status, { token: TOKENS.bob })).status).toBe(403);
  });

  it('PDF import by link or raw upload: 202 with Retry-After, then the status flow', async () => {
    const byLink = await call(sandbox, `/api/v1/companies/${ACME}/import/bill/pdf`, {
      method: 'POST', body: { file: { name: 'bill-42.pdf', link: 'https://files.example.com/bill-42.pdf' } },
    });
    expect(byLink.status).toBe(202);
    expect(byLink.headers.get('retry-after')).toBe('3');
    expect(byLink.body).toEqual({ request_id: byLink.headers.get('x-request-id'), status: 'queued' });
    const status = `/api/v1/companies/${ACME}/import/bill/status/${byLink.body.request_id as string}`;
    expect((await call(sandbox, status)).status).toBe(202);
    expect((await call(sandbox, status)).status).toBe(202);
    const done = await call(sandbox, status);
    expect(done.body.documents).toEqual([expect.objectContaining({ ref_number: 'bill-42', date: '2025-06-15' })]);

    const raw = await call(sandbox, `/api/v1/companies/${ACME}/import/bill/pdf?filename=scan.pdf`, {
      method: 'POST', rawBody: '%PDF-1.7 fake', headers: { 'content-type': 'application/pdf' },
    });
    expect(raw.status).toBe(202);
    const noName = await call(sandbox, `/api/v1/companies/${ACME}/import/bill/pdf`, {
      method: 'POST', rawBody: '%PDF-1.7 fake', headers: { 'content-type': 'application/pdf' },
    });
    expect(noName.status).toBe(422);
    expect(Object.keys(noName.body.errors)).toEqual(['filename']);
    const broken = await call(sandbox, `/api/v1/companies/${ACME}/import/bill/pdf?filename=x.pdf`, {
      method: 'POST', rawBody: 'not a pdf', headers: { 'content-type': 'application/pdf' },
    });
    expect(broken.status).toBe(400);
    const text = await call(sandbox, `/api/v1/companies/${ACME}/import/bill/pdf?filename=x.pdf`, {
      method: 'POST', rawBody: 'hello', headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(415);
    const badLink = await call(sandbox, `/api/v1/companies/${ACME}/import/bill/pdf`, { method: 'POST', body: { file: { name: 'x.pdf' } } });
    expect(badLink.status).toBe(422);
    expect(Object.keys(badLink.body.errors)).toEqual(['file.link']);
    expect(sandbox.specViolations().map((r) => r.status)).toEqual([415, 422]);
  });

  it('has no idempotency key in the contract: the same payload twice creates two imports', async () => {
    const before = sandbox.imports().length;
    await call(sandbox, `/api/v1/companies/${ACME}/create/bill`, { method: 'POST', body: bill('TWICE-1'), headers: { 'idempotency-key': 'k-1' } });
    await call(sandbox, `/api/v1/companies/${ACME}/create/bill`, { method: 'POST', body: bill('TWICE-1'), headers: { 'idempotency-key': 'k-1' } });
    expect(sandbox.imports().length - before).toBe(2);
  });

  it('Entry Locked Date → 400 {message}; bad lines → 422 field errors; nothing created', async () => {
    const before = sandbox.imports().length;
    const locked = await call(sandbox, `/api/v1/companies/${ACME}/create/bill`, { method: 'POST', body: bill('OLD', '2024-12-31') });
    expect(locked.status).toBe(400);
    expect(locked.body).toEqual({ message: 'The document date is before the Entry Locked Date (2025-01-01).' });
    const badSku = { data: { ...bill('BAD').data, lines: [{ sku: 'NOPE', quantity: 1, unit_price: 1 }] } };
    const invalid = await call(sandbox, `/api/v1/companies/${ACME}/create/bill`, { method: 'POST', body: badSku });
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors).toEqual({ 'data.lines.0.sku': ['The selected data.lines.0.sku is invalid.'] });
    expect(sandbox.imports().length).toBe(before);
  });

  it('instructions in JSON or plain text; an unsupported type is 404 there and 400 on create, as documented', async () => {
    const json = await call(sandbox, '/api/v1/import/bill/instructions');
    expect(Object.keys(json.body.attributes)).toEqual(expect.arrayContaining(['vendor_name', 'ref_number', 'date', 'lines']));
    const text = await call(sandbox, '/api/v1/import/bill/instructions', { headers: { accept: 'text/plain' } });
    expect(text.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(text.body).toContain('- vendor_name:');
    expect((await call(sandbox, '/api/v1/import/invoice/instructions')).status).toBe(404);
    expect((await call(sandbox, `/api/v1/companies/${ACME}/create/invoice`, { method: 'POST', body: { data: {} } })).status).toBe(400);
  });
});

describe('fault injection', () => {
  it('a status for the next N requests, then normal service', async () => {
    sandbox.setFaults({ status: 503, count: 2, retryAfterSeconds: 4 });
    const first = await call(sandbox, '/api/v1/reports');
    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after')).toBe('4');
    expect((await call(sandbox, '/api/v1/reports')).status).toBe(503);
    expect((await call(sandbox, '/api/v1/reports')).status).toBe(200);
    expect(sandbox.requests.map((r) => r.fault)).toEqual(['status', 'status', undefined]);
  });

  it('429 carries Retry-After by default; 502 looks like a gateway page', async () => {
    sandbox.setFaults([{ path: '/reports', status: 429 }, { path: '/companies', status: 502 }]);
    const limited = await call(sandbox, '/api/v1/reports');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    const gateway = await call(sandbox, '/api/v1/companies');
    expect(gateway.status).toBe(502);
    expect(String(gateway.body)).toContain('<html>');
    expect((await call(sandbox, '/api/v1/permissions')).status).toBe(200);
  });

  it('path patterns and methods select the requests', async () => {
    sandbox.setFaults({ path: /\/create\//, method: 'POST', status: 500 });
    expect((await call(sandbox, `/api/v1/companies/${ACME}/create/bill`, { method: 'POST', body: bill('F-1') })).status).toBe(500);
    expect((await call(sandbox, '/api/v1/import/bill/instructions')).status).toBe(200);
    function bill(ref: string) {
      return { data: { vendor_name: 'V', ref_number: ref, date: '2025-05-02', lines: [{ sku: 'AOG-001-US', quantity: 1, unit_price: 1 }] } };
    }
  });

  it('latency delays the answer', async () => {
    sandbox.setFaults({ latencyMs: 200, count: 1 });
    const started = Date.now();
    expect((await call(sandbox, '/api/v1/reports')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(sandbox.requests[0]?.fault).toBe('latency');
  });

  it('timeout holds the request until the client gives up', async () => {
    sandbox.setFaults({ timeout: true, count: 1 });
    const started = Date.now();
    await expect(call(sandbox, '/api/v1/reports', { signal: AbortSignal.timeout(300) })).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(sandbox.requests[0]).toMatchObject({ fault: 'timeout', status: undefined });
    expect((await call(sandbox, '/api/v1/reports')).status).toBe(200);
  });

  it('faulted requests are still checked against the contract', async () => {
    sandbox.setFaults({ status: 503 });
    await call(sandbox, `${items(ACME)}?per_page=1000`);
    expect(sandbox.specViolations()[0]?.specErrors).toEqual(['query.per_page: must be <= 60']);
  });
});

it('records method, path, query, status, request id and subject, never the token', async () => {
  await call(sandbox, `${items(ACME)}?page=2&per_page=10`, { headers: { 'x-request-id': 'trace-123' } });
  const [record] = sandbox.requests;
  expect(record).toMatchObject({
    method: 'GET', path: items(ACME), query: { page: '2', per_page: '10' }, status: 200,
    requestId: 'trace-123', subject: ALICE.subject, operationId: 'listInventoryItems', specErrors: [],
  });
  expect(JSON.stringify(sandbox.requests)).not.toContain(TOKENS.alice);
  expect(BOB.companies).toEqual([COBALT]);
});
