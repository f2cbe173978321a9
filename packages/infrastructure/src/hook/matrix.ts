/**
 * What the hook needs from the e2e runner (`runMatrix` of @neonpanel-mcp/e2e), declared here
 * so the handler is testable with any runner and the Lambda entry wires in the real one.
 */
import type { MatrixReport } from '../ops/types.js';

export interface MatrixRunOptions {
  url: string;
  token?: string;
  limitedToken?: string;
  timeoutMs?: number;
  readTool?: string;
  scopeProbeTool?: string;
}

export type MatrixRunner = (options: MatrixRunOptions) => Promise<MatrixReport & { skipped?: { category: string; name: string }[] }>;

/** Real tokens for the real-token cases; never logged. */
export interface GateTokens {
  token: string;
  limitedToken?: string;
}
