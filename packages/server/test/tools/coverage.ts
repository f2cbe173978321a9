/**
 * Which business operations of NeonPanel's contract no tool reaches. Pure: the caller hands
 * in the contract document and the tools, so a test can derive the list from the contract
 * itself (never a hand-typed copy) and fail the day an operation is added without a tool.
 */
import type { ToolDefinition } from '../../src/tools/types.js';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;
/** Business endpoints live under /api/v1; OAuth endpoints (/oauth2) are not tools' business. */
export const BUSINESS_PREFIX = '/api/v1/';

export interface ContractOperation { operationId: string; method: string; path: string }

export function businessOperations(contract: { paths?: Record<string, Record<string, unknown>> }): ContractOperation[] {
  const out: ContractOperation[] = [];
  for (const [path, item] of Object.entries(contract.paths ?? {})) {
    if (!path.startsWith(BUSINESS_PREFIX)) continue;
    for (const method of METHODS) {
      const operation = item[method] as { operationId?: string } | undefined;
      if (!operation) continue;
      if (!operation.operationId) throw new Error(`${method.toUpperCase()} ${path} has no operationId`);
      out.push({ operationId: operation.operationId, method: method.toUpperCase(), path });
    }
  }
  return out;
}

export function coverageOf(operations: readonly ContractOperation[], tools: ReadonlyArray<Pick<ToolDefinition, 'name' | 'operations'>>) {
  const known = new Set(operations.map((o) => o.operationId));
  const reached = new Set(tools.flatMap((t) => t.operations));
  return {
    /** Operations of the contract that no tool declares. */
    uncovered: operations.filter((o) => !reached.has(o.operationId)),
    /** Tool declarations that name no operation of the contract (a typo, or a removed operation). */
    unknown: tools.flatMap((t) => t.operations.filter((op) => !known.has(op)).map((op) => `${t.name}: ${op}`)),
  };
}
