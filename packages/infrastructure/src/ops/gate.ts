/**
 * The post-deploy gate: the e2e matrix against the live URL. While the URL does not answer
 * at all (a new DNS name propagating, a certificate being issued) it retries, within a bound;
 * once the server answers, the first verdict stands, so a real failure is never retried away.
 */
import { DEFAULT_GATE_RETRY, type Gate, type GateRetrySettings, type MatrixReport, type Output } from './types.js';

export interface GateOutcome {
  report: MatrixReport;
  attempts: number;
  passed: boolean;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A gate passes when the server answered, nothing failed, and something was actually checked. */
export function gatePassed(report: MatrixReport): boolean {
  return !report.unreachable && report.failed === 0 && report.passed > 0;
}

export async function runGate(gate: Gate, url: string, output: Output, retry: GateRetrySettings = DEFAULT_GATE_RETRY): Promise<GateOutcome> {
  const attempts = Math.max(1, retry.attempts);
  const sleep = retry.sleep ?? sleepFor;
  let report: MatrixReport = { passed: 0, failed: 0, unreachable: true, results: [] };
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      report = await gate(url);
    } catch (error) {
      // A runner that throws has not reached a verdict; treat it like no answer.
      output.error(`gate: the matrix could not run (${(error as Error).message ?? String(error)})`);
      report = { passed: 0, failed: 0, unreachable: true, results: [] };
    }
    if (!report.unreachable) return { report, attempts: attempt, passed: gatePassed(report) };
    if (attempt < attempts) {
      output.info(`gate: ${url} does not answer yet (attempt ${String(attempt)}/${String(attempts)}); retrying in ${String(Math.round(retry.delayMs / 1000))} s while DNS and the certificate settle`);
      await sleep(retry.delayMs);
    }
  }
  return { report, attempts, passed: false };
}

/** One line for the verdict, then one per failed case. */
export function describeGate(outcome: GateOutcome): string[] {
  const { report } = outcome;
  if (report.unreachable) {
    return [`unreachable after ${String(outcome.attempts)} attempt(s): the URL never answered`];
  }
  const lines = [`${outcome.passed ? 'PASSED' : 'FAILED'}: ${String(report.passed)} passed, ${String(report.failed)} failed`];
  if (report.passed === 0 && report.failed === 0) lines.push('  no case ran');
  for (const result of report.results.filter((r) => !r.ok)) {
    lines.push(`  ✗ [${result.category}] ${result.name}: expected ${result.expected}; got ${result.got}`);
  }
  return lines;
}
