/**
 * Every business operation of NeonPanel's contract is reachable through a tool. The list of
 * operations is read from the contract file the sandbox serves, not typed here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { ALL_TOOLS } from '../../src/tools/registry.js';
import { businessOperations, coverageOf } from './coverage.js';
import { OPENAPI_PATH } from '../../src/dev/sandbox/spec.js';

const contract = JSON.parse(readFileSync(OPENAPI_PATH, 'utf8')) as Parameters<typeof businessOperations>[0];
const operations = businessOperations(contract);

describe('contract coverage', () => {
  it('reads the business operations from the contract', () => {
    expect(operations.length).toBe(59);
    expect(operations.every((o) => o.path.startsWith('/api/v1/'))).toBe(true);
    expect(new Set(operations.map((o) => o.operationId)).size).toBe(operations.length);
  });

  it('reaches every business operation through some tool, and names no operation the contract lacks', () => {
    const { uncovered, unknown } = coverageOf(operations, ALL_TOOLS);
    expect(uncovered.map((o) => `${o.method} ${o.path} (${o.operationId})`)).toEqual([]);
    expect(unknown).toEqual([]);
  });

  it('fails when a tool is missing: dropping the only tool of an operation leaves it uncovered', () => {
    const withoutSync = ALL_TOOLS.filter((t) => t.name !== 'neonpanel_listing_sync');
    expect(coverageOf(operations, withoutSync).uncovered.map((o) => o.operationId)).toEqual(['syncListing']);
    const typo = [...ALL_TOOLS, { name: 'x_y', operations: ['bills.lists'] }];
    expect(coverageOf(operations, typo).unknown).toEqual(['x_y: bills.lists']);
  });

  it('fails when the contract grows: an added operation without a tool is reported', () => {
    const grown = structuredClone(contract) as { paths: Record<string, Record<string, unknown>> };
    grown.paths['/api/v1/companies/{companyUuid}/customers'] = { get: { operationId: 'customers.list' } };
    expect(coverageOf(businessOperations(grown), ALL_TOOLS).uncovered.map((o) => o.operationId)).toEqual(['customers.list']);
  });

  it('every tool declares the operations it calls (only whoami, which reads the token, calls none)', () => {
    expect(ALL_TOOLS.filter((t) => t.operations.length === 0).map((t) => t.name)).toEqual(['neonpanel_whoami']);
  });
});
