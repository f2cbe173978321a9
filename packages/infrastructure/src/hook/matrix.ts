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
  authMode?: 'broker' | 'direct';
}

export type MatrixRunner = (options: MatrixRunOptions) => Promise<MatrixReport & { skipped?: { category: string; name: string }[] }>;

/** Real tokens for the real-token cases; never logged. */
export interface GateTokens {
  token: string;
  limitedToken?: string;
}

/** The runner's options for one run: the settings' URL and tools, the tokens when there are some. */
export function matrixRunOptions(
  settings: { url: string; timeoutMs: number; readTool?: string; scopeProbeTool?: string; authMode?: 'broker' | 'direct' },
  tokens: GateTokens | undefined,
): MatrixRunOptions {
  return {
    url: settings.url,
    timeoutMs: settings.timeoutMs,
    ...(tokens ? { token: tokens.token } : {}),
    ...(tokens?.limitedToken ? { limitedToken: tokens.limitedToken } : {}),
    ...(settings.readTool ? { readTool: settings.readTool } : {}),
    ...(settings.authMode ? { authMode: settings.authMode } : {}),
    // The scope case needs the limited token; without it the probe tool means nothing.
    ...(tokens?.limitedToken && settings.scopeProbeTool ? { scopeProbeTool: settings.scopeProbeTool } : {}),
  };
}
