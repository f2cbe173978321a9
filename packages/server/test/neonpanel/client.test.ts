/**
 * The upstream client against the sandbox over real sockets: typed success paths, what goes
 * on the wire, error mapping, retries, timeouts, the pool and logging.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSandbox, staticTokenVerifier, type Sandbox } from '../../src/dev/sandbox/index.js';
import { createNeonPanelClient, type NeonPanelHttpClient } from '../../src/neonpanel/client.js';
import { NEONPANEL_MESSAGES, NeonPanelError } from '../../src/neonpanel/errors.js';
import type { Config } from '../../src/config.js';
import {
  ACME, ALICE, BOB, COBALT, NOW, SANDBOX_TOKENS, TOKENS, callContext, captureLogger, testConfig, type CapturedLogger,
} from './fixtures.js';

let sandbox: Sandbox;
let config: Config;
let client: NeonPanelHttpClient;
let logs: CapturedLogger;

const fastRetries = { retryBaseDelayMs: 5, retryMaxDelayMs: 20, maxRetryAfterMs: 2_000 };

beforeAll(async () => {
  sandbox = await startSandbox({ verifyToken: staticTokenVerifier(SANDBOX_TOKENS), now: () => NOW, importPolls: 0 });
  config = testConfig(sandbox.url);
  logs = captureLogger();
  client = createNeonPanelClient(config, logs.logger, fastRetries);
});

afterAll(async () => {
  await client.close();
  await sandbox.close();
});

beforeEach(() => {
  sandbox.clearFaults();
  sandbox.clearRequests();
});

afterEach(() => {
  // Whatever a test did, the client never sent a request the contract does not allow.
  expect(sandbox.specViolations().map((r) => `${r.method} ${r.path}: ${r.specErrors.join(', ')}`)).toEqual([]);
});

/** Runs `call`, expecting a NeonPanelError, and checks it leaks nothing about the upstream. */
async function failure(call: () => Promise<unknown>): Promise<NeonPanelError> {
  let caught: unknown;
  try {
    await call();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(NeonPanelError);
  const error = caught as NeonPanelError;
  for (const text of [error.message, error.toolMessage, JSON.stringify(error.fieldErrors ?? {})]) {
    expect(text).not.toContain(sandbox.url);
    expect(text).not.toContain('127.0.0.1');
    expect(text).not.toMatch(/<html|<\/|\{"message"/i);
  }
  return error;
}

/**
 * `data` is a free-form object in the contract, which openapi-typescript renders as
 * `Record<string, never>` unless the generator runs with --empty-objects-unknown.
 */
const bill = (data: Record<string, unknown>) => ({ data: data as never });

const acmeRequests = (suffix: string) => sandbox.requests.filter((r) => r.path === `/api/v1/companies/${ACME}${suffix}`);

describe('success paths', () => {
  it('returns typed data and sends page and per_page', async () => {
    const api = client.forCaller(callContext());
    const { data } = await api.GET('/api/v1/companies/{companyUuid}/inventory-items', {
      params: { path: { companyUuid: ACME }, query: { page: 2, per_page: 10 } },
    });
    expect(data?.current_page).toBe(2);
    expect(data?.per_page).toBe(10);
    expect(data?.last_page).toBe(4);
    expect(data?.data).toHaveLength(10);
    const first = data!.data![0]!;
    expect(typeof first.id).toBe('number');
    expect(first.sku).toMatch(/^AOG-\d{3}-(US|CA)$/);
    const [request] = acmeRequests('/inventory-items');
    expect(request?.query).toEqual({ page: '2', per_page: '10' });
    expect(request?.status).toBe(200);
  });

  it('propagates X-Request-Id and forwards the caller token as the bearer', async () => {
    const context = callContext(TOKENS.bob);
    const { data } = await client.forCaller(context).GET('/api/v1/companies', { params: { query: { page: 1, per_page: 10 } } });
    expect(data?.data?.map((c) => c.uuid)).toEqual([COBALT]);
    const [request] = sandbox.requests;
    expect(request?.requestId).toBe(context.requestId);
    expect(request?.subject).toBe(BOB.subject);
  });

  it('serialises array filters the way the contract declares (form, exploded)', async () => {
    const { data } = await client.forCaller(callContext()).GET('/api/v1/revenue-and-cogs', {
      params: { query: { company_uuids: [ACME], country_codes: ['US', 'CA'], grouping: ['company', 'country'], periodicity: 'monthly', start_date: '2025-01-01', end_date: '2025-03-31' } },
    });
    expect(data?.filters?.company_uuids).toEqual([ACME]);
    expect(new Set(data?.data?.map((r) => r.country_code))).toEqual(new Set(['US', 'CA']));
    expect(sandbox.requests[0]?.query['country_codes']).toEqual(['US', 'CA']);
  });

  it('sends the listings filters (a GET body in the contract) as query parameters', async () => {
    const asin = sandbox.dataset.company(ACME)!.products[3]!.asin;
    const { data } = await client.forCaller(callContext()).GET('/api/v1/companies/{companyUuid}/listings', {
      params: { path: { companyUuid: ACME } },
      body: { asin },
    });
    expect(data?.data?.map((l) => l.asin)).toEqual([asin]);
    const request = acmeRequests('/listings')[0]!;
    expect(request.query).toEqual({ asin });
    expect(request.body).toBeUndefined();
  });

  it('posts JSON bodies once and returns the created documents', async () => {
    const { data, response } = await client.forCaller(callContext()).POST('/api/v1/companies/{companyUuid}/create/{type}', {
      params: { path: { companyUuid: ACME, type: 'bill' } },
      body: bill({ vendor_name: 'Trail Supply Co', ref_number: 'TS-1', date: '2025-05-02', lines: [{ sku: 'AOG-001-US', quantity: 5, unit_price: 12.5 }] }),
    });
    expect(response.status).toBe(200);
    expect(data?.status).toBe('done');
    expect(data?.documents?.[0]?.ref_number).toBe('TS-1');
    expect(acmeRequests('/create/bill')).toHaveLength(1);
  });
});

describe('error mapping', () => {
  it('401 → unauthorized', async () => {
    const error = await failure(() => client.forCaller(callContext('not-a-valid-token')).GET('/api/v1/companies', {}));
    expect(error.kind).toBe('unauthorized');
    expect(error.status).toBe(401);
    expect(sandbox.requests).toHaveLength(1);
  });

  it('a caller without a token is unauthorized before anything is sent', async () => {
    const error = await failure(() => client.forCaller(callContext('')).GET('/api/v1/companies', {}));
    expect(error.kind).toBe('unauthorized');
    expect(error.failure).toBe('no_token');
    expect(sandbox.requests).toHaveLength(0);
  });

  it('403 → "no access to this company"', async () => {
    const error = await failure(() => client.forCaller(callContext(TOKENS.bob)).GET('/api/v1/companies/{companyUuid}/warehouses', {
      params: { path: { companyUuid: ACME } },
    }));
    expect(error.kind).toBe('forbidden');
    expect(error.toolMessage).toBe(NEONPANEL_MESSAGES.forbidden);
  });

  it('404 → "not found"', async () => {
    const error = await failure(() => client.forCaller(callContext()).GET('/api/v1/companies/{companyUuid}/inventory-items/{inventoryId}', {
      params: { path: { companyUuid: ACME, inventoryId: 999_999 } },
    }));
    expect(error.kind).toBe('not_found');
    expect(error.toolMessage).toBe('not found');
  });

  it('422 → the field errors', async () => {
    const error = await failure(() => client.forCaller(callContext()).POST('/api/v1/companies/{companyUuid}/create/{type}', {
      params: { path: { companyUuid: ACME, type: 'bill' } },
      body: bill({ vendor_name: 'Trail Supply Co', ref_number: 'TS-2', date: '2025-05-02', lines: [{ sku: 'NO-SUCH-SKU', quantity: 0, unit_price: 1 }] }),
    }));
    expect(error.kind).toBe('validation');
    expect(error.fieldErrors).toEqual({
      'data.lines.0.quantity': ['The data.lines.0.quantity field must be at least 1.'],
    });
    expect(error.toolMessage).toContain('data.lines.0.quantity: The data.lines.0.quantity field must be at least 1.');
  });

  it('422 on query parameters names the parameter', async () => {
    const error = await failure(() => client.forCaller(callContext()).GET('/api/v1/companies/{companyUuid}/inventory-items/{inventoryId}/cogs', {
      params: { path: { companyUuid: ACME, inventoryId: 1001 }, query: { start_date: '2025-05-01', end_date: '2025-01-01' } },
    }));
    expect(error.kind).toBe('validation');
    expect(Object.keys(error.fieldErrors ?? {})).toEqual(['end_date']);
  });

  it('400 (Entry Locked Date) → entry_locked, naming the rule and keeping the short upstream sentence', async () => {
    const error = await failure(() => client.forCaller(callContext()).POST('/api/v1/companies/{companyUuid}/create/{type}', {
      params: { path: { companyUuid: ACME, type: 'bill' } },
      body: bill({ vendor_name: 'Trail Supply Co', ref_number: 'OLD-1', date: '2024-03-01', lines: [{ sku: 'AOG-001-US', quantity: 1, unit_price: 1 }] }),
    }));
    expect(error.kind).toBe('entry_locked');
    expect(error.toolMessage).toBe(`${NEONPANEL_MESSAGES.entryLocked}. NeonPanel said: The document date is before the Entry Locked Date (2025-01-01).`);
    expect(sandbox.imports().some((i) => JSON.stringify(i.data).includes('OLD-1'))).toBe(false);
  });

  it.each([500, 502, 503, 504] as const)('%s → unavailable, body and URL not shown', async (status) => {
    sandbox.setFaults({ status });
    const error = await failure(() => client.forCaller(callContext()).GET('/api/v1/companies', {}));
    expect(error.kind).toBe('unavailable');
    expect(error.toolMessage).toBe('NeonPanel is unavailable, try again');
    expect(error.status).toBe(status);
  });
});

describe('retries', () => {
  it('retries a GET through a passing 503 and succeeds', async () => {
    sandbox.setFaults({ status: 503, count: 1 });
    const { data } = await client.forCaller(callContext()).GET('/api/v1/companies/{companyUuid}/warehouses', {
      params: { path: { companyUuid: ACME } },
    });
    expect(data?.data).toHaveLength(4);
    expect(acmeRequests('/warehouses').map((r) => r.status)).toEqual([503, 200]);
  });

  it('stops after UPSTREAM_RETRIES extra attempts', async () => {
    sandbox.setFaults({ status: 502 });
    const error = await failure(() => client.forCaller(callContext()).GET('/api/v1/companies', {}));
    expect(error.kind).toBe('unavailable');
    expect(sandbox.requests).toHaveLength(1 + config.upstream.retries);
  });

  it('does not retry a 500 (not a transient gateway status)', async () => {
    sandbox.setFaults({ status: 500 });
    await failure(() => client.forCaller(callContext()).GET('/api/v1/companies', {}));
    expect(sandbox.requests).toHaveLength(1);
  });

  it('honours a short Retry-After on 429', async () => {
    sandbox.setFaults({ status: 429, retryAfterSeconds: 1, count: 1 });
    const started = Date.now();
    const { data } = await client.forCaller(callContext()).GET('/api/v1/companies', {});
    expect(data?.data?.length).toBeGreaterThan(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(sandbox.requests.map((r) => r.status)).toEqual([429, 200]);
  });

  it('gives up at once when Retry-After exceeds the cap, reporting it', async () => {
    sandbox.setFaults({ status: 429, retryAfterSeconds: 30 });
    const started = Date.now();
    const error = await failure(() => client.forCaller(callContext()).GET('/api/v1/companies', {}));
    expect(error.kind).toBe('unavailable');
    expect(error.retryAfterSeconds).toBe(30);
    expect(sandbox.requests).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('never retries a POST, whatever the failure', async () => {
    const post = () => client.forCaller(callContext()).POST('/api/v1/companies/{companyUuid}/create/{type}', {
      params: { path: { companyUuid: ACME, type: 'bill' } },
      body: bill({ vendor_name: 'V', ref_number: 'NR-1', date: '2025-05-02', lines: [{ sku: 'AOG-001-US', quantity: 1, unit_price: 1 }] }),
    });
    for (const fault of [{ status: 503 as const }, { status: 429 as const, retryAfterSeconds: 1 }, { timeout: true }]) {
      sandbox.clearRequests();
      sandbox.setFaults(fault);
      const error = await failure(post);
      expect(error.kind).toBe('unavailable');
      expect(sandbox.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    }
  });
});

describe('timeouts and cancellation', () => {
  it('times out each attempt, retries GETs, then reports unavailable', async () => {
    sandbox.setFaults({ timeout: true });
    const started = Date.now();
    const error = await failure(() => client.forCaller(callContext()).GET('/api/v1/companies', {}));
    const elapsed = Date.now() - started;
    expect(error.kind).toBe('unavailable');
    expect(error.failure).toBe('timeout');
    expect(sandbox.requests).toHaveLength(3);
    expect(elapsed).toBeGreaterThanOrEqual(3 * config.upstream.timeoutMs - 50);
    expect(elapsed).toBeLessThan(3 * config.upstream.timeoutMs + 1_500);
  });

  it('latency below the timeout is just slower', async () => {
    sandbox.setFaults({ latencyMs: 150, count: 1 });
    const { data } = await client.forCaller(callContext()).GET('/api/v1/reports', {});
    expect(data?.count).toBe(5);
    expect(sandbox.requests).toHaveLength(1);
  });

  it('a caller abort ends the call without retrying and without a NeonPanelError', async () => {
    sandbox.setFaults({ timeout: true });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('client went away')), 100);
    await expect(client.forCaller(callContext(TOKENS.alice, { signal: controller.signal })).GET('/api/v1/companies', {}))
      .rejects.toThrow('client went away');
    expect(sandbox.requests).toHaveLength(1);
  });

  it('a refused connection is unavailable (network), retried for GETs', async () => {
    const closed: Server = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const local = captureLogger();
    const offline = createNeonPanelClient(testConfig(`http://127.0.0.1:${port}`), local.logger, fastRetries);
    try {
      const error = await failure(() => offline.forCaller(callContext()).GET('/api/v1/companies', {}));
      expect(error.kind).toBe('unavailable');
      expect(error.failure).toBe('network');
      expect(error.message).not.toContain(String(port));
      expect(local.lines().filter((l) => l['msg'] === 'retrying NeonPanel request')).toHaveLength(2);
    } finally {
      await offline.close();
    }
  });
});

describe('connection pool', () => {
  it('reuses keep-alive connections for sequential requests', async () => {
    const fresh = createNeonPanelClient(config, captureLogger().logger, fastRetries);
    try {
      const api = fresh.forCaller(callContext());
      for (let i = 0; i < 8; i += 1) await api.GET('/api/v1/reports', {});
      expect(sandbox.requests).toHaveLength(8);
      // undici hands a socket back to the pool a tick after the body resolves, so back-to-back
      // calls alternate between two sockets; without keep-alive there would be eight.
      expect(new Set(sandbox.requests.map((r) => r.connection)).size).toBeLessThanOrEqual(2);
    } finally {
      await fresh.close();
    }
  });

  it('never opens more than UPSTREAM_MAX_SOCKETS connections', async () => {
    const pooled = createNeonPanelClient(testConfig(sandbox.url, { UPSTREAM_MAX_SOCKETS: '2' }), captureLogger().logger, fastRetries);
    try {
      sandbox.setFaults({ latencyMs: 100 });
      const api = pooled.forCaller(callContext());
      const results = await Promise.all(Array.from({ length: 6 }, () => api.GET('/api/v1/reports', {})));
      expect(results.every((r) => r.data?.count === 5)).toBe(true);
      // At most the cap (an uncapped pool opens one connection per request: 6). Under load the
      // pool may get by with fewer, so 'exactly 2' would be a timing assertion, not the rule.
      const opened = new Set(sandbox.requests.map((r) => r.connection)).size;
      expect(opened).toBeGreaterThanOrEqual(1);
      expect(opened).toBeLessThanOrEqual(2);
    } finally {
      await pooled.close();
    }
  });
});

describe('logging', () => {
  it('logs failures at warn with method, path template and status, never the token', async () => {
    const local = captureLogger();
    const logged = createNeonPanelClient(config, local.logger, fastRetries);
    try {
      await failure(() => logged.forCaller(callContext(TOKENS.bob)).GET('/api/v1/companies/{companyUuid}/inventory-items/{inventoryId}', {
        params: { path: { companyUuid: ACME, inventoryId: 1001 } },
      }));
      const warnings = local.lines().filter((l) => l['level'] === 40);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({
        method: 'GET',
        path: '/api/v1/companies/{companyUuid}/inventory-items/{inventoryId}',
        status: 403,
      });
      expect(local.raw()).not.toContain(TOKENS.bob);
      expect(local.raw()).not.toContain(ACME);
      expect(local.raw()).not.toContain(sandbox.url);
    } finally {
      await logged.close();
    }
  });
});

it('uses the demo users from demoUsers.ts (alice sees Acme and Borealis)', async () => {
  const { data } = await client.forCaller(callContext()).GET('/api/v1/companies', {});
  expect(data?.data?.map((c) => c.uuid).sort()).toEqual([...ALICE.companies].sort());
});
