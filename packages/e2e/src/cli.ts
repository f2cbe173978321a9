#!/usr/bin/env node
/**
 * `neonpanel-e2e`: runs the matrix against a URL, prints a table (or JSON), optionally
 * writes JUnit XML, and sets the exit code the deploy gate and CI rely on:
 *   0  every case passed
 *   1  at least one case failed
 *   2  the server could not be reached, or the command line is unusable
 * The last line of the table output is exactly `N passed, N failed`.
 */
import { realpathSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import { toJUnitXml } from './junit.js';
import { DEFAULT_READ_TOOL, DEFAULT_TIMEOUT_MS, runMatrix, type MatrixReport, type RunMatrixOptions } from './runner.js';

export const EXIT_PASSED = 0;
export const EXIT_FAILED = 1;
export const EXIT_UNREACHABLE = 2;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  /** Writes the JUnit file. Default: `fs.writeFileSync`. */
  writeFile?: (path: string, content: string) => void;
  /** Runs the matrix. Default: `runMatrix`; tests may stand in. */
  run?: (options: RunMatrixOptions) => Promise<MatrixReport>;
}

export const USAGE = `Usage: neonpanel-e2e --url URL [options]

Runs the NeonPanel MCP auth matrix against a deployed server.

Options:
  --url URL                  server URL (or SERVER_URL)
  --token TOKEN              a real access token for the real-token cases (or E2E_TOKEN; prefer the
                             variable, command lines are visible to other users)
  --limited-token TOKEN      a token lacking the scope-probe tool's scope (or E2E_LIMITED_TOKEN)
  --auth-mode broker|direct  broker: also run the broker cases (or E2E_AUTH_MODE)
  --neonpanel-token TOKEN    a token NeonPanel issued, which a broker must refuse (or E2E_NEONPANEL_TOKEN)
  --scope-probe-tool NAME    the tool the limited token must be refused (403 insufficient_scope)
  --scope-probe-args JSON    its arguments (default {})
  --read-tool NAME           the read tool the real-token cases call (default ${DEFAULT_READ_TOOL})
  --read-tool-args JSON      its arguments (default {})
  --timeout-ms N             limit for each request (default ${DEFAULT_TIMEOUT_MS})
  --json                     print the report as JSON on stdout (the summary line goes to stderr)
  --junit FILE               also write the report as JUnit XML to FILE
  -h, --help                 show this help

Exit codes: 0 all passed, 1 a case failed, 2 server unreachable or bad usage.`;

class UsageError extends Error {}

function jsonObject(flag: string, raw: string | undefined): Record<string, unknown> | undefined {
  if (raw === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new UsageError(`${flag} must be a JSON object`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError(`${flag} must be a JSON object`);
  return value as Record<string, unknown>;
}

interface Parsed {
  options: RunMatrixOptions;
  json: boolean;
  junit: string | undefined;
  help: boolean;
}

export function parseCommandLine(argv: readonly string[], env: Record<string, string | undefined>): Parsed {
  // `pnpm start -- --url …` hands the script a literal `--`; it separates nothing here.
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: 'string' },
        token: { type: 'string' },
        'limited-token': { type: 'string' },
        'neonpanel-token': { type: 'string' },
        'auth-mode': { type: 'string' },
        'scope-probe-tool': { type: 'string' },
        'scope-probe-args': { type: 'string' },
        'read-tool': { type: 'string' },
        'read-tool-args': { type: 'string' },
        'timeout-ms': { type: 'string' },
        json: { type: 'boolean', default: false },
        junit: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const help = values.help ?? false;
  const url = values.url ?? env['SERVER_URL'];
  if (!url && !help) throw new UsageError('Give the server URL with --url or SERVER_URL.');
  const token = values.token ?? env['E2E_TOKEN'];
  const limitedToken = values['limited-token'] ?? env['E2E_LIMITED_TOKEN'];
  const neonpanelToken = values['neonpanel-token'] ?? env['E2E_NEONPANEL_TOKEN'];
  const authMode = values['auth-mode'] ?? env['E2E_AUTH_MODE'];
  if (authMode !== undefined && authMode !== 'broker' && authMode !== 'direct') throw new UsageError('--auth-mode must be broker or direct');
  let timeoutMs: number | undefined;
  if (values['timeout-ms'] !== undefined) {
    timeoutMs = Number(values['timeout-ms']);
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new UsageError('--timeout-ms must be a positive integer');
  }
  const readToolArguments = jsonObject('--read-tool-args', values['read-tool-args']);
  const scopeProbeArguments = jsonObject('--scope-probe-args', values['scope-probe-args']);
  const options: RunMatrixOptions = {
    url: url ?? '',
    ...(token ? { token } : {}),
    ...(limitedToken ? { limitedToken } : {}),
    ...(neonpanelToken ? { neonpanelToken } : {}),
    ...(authMode ? { authMode } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(values['read-tool'] ? { readTool: values['read-tool'] } : {}),
    ...(readToolArguments ? { readToolArguments } : {}),
    ...(values['scope-probe-tool'] ? { scopeProbeTool: values['scope-probe-tool'] } : {}),
    ...(scopeProbeArguments ? { scopeProbeArguments } : {}),
  };
  return { options, json: values.json ?? false, junit: values.junit, help };
}

export function summaryLine(report: MatrixReport): string {
  return `${report.passed} passed, ${report.failed} failed`;
}

export function renderTable(report: MatrixReport): string {
  // No colours: the table lands in CI logs and files as often as on a terminal.
  // One line per case: no separator rows between them.
  const table = new Table({
    head: ['category', 'case', 'expected', 'got', 'result'],
    style: { head: [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const r of report.results) table.push([r.category, r.name, r.expected, r.got, r.ok ? 'PASS' : 'FAIL']);
  return table.toString();
}

/** How an operator supplies each option a skipped case needs. */
const FLAG_FOR: Record<string, string> = {
  token: '--token (or E2E_TOKEN)',
  limitedToken: '--limited-token (or E2E_LIMITED_TOKEN)',
  scopeProbeTool: '--scope-probe-tool',
  neonpanelToken: '--neonpanel-token (or E2E_NEONPANEL_TOKEN)',
  broker: '--auth-mode broker (or E2E_AUTH_MODE=broker)',
};

function notes(report: MatrixReport): string[] {
  const lines: string[] = [];
  if (report.unreachable) lines.push(`The server at ${report.url ?? '?'} could not be reached.`);
  const skipped = report.skipped ?? [];
  if (skipped.length) {
    const needs = [...new Set(skipped.flatMap((s) => s.needs))].map((n) => FLAG_FOR[n] ?? n).join(', ');
    lines.push(`${skipped.length} case(s) skipped: they need ${needs}.`);
  }
  return lines;
}

export function exitCodeFor(report: MatrixReport): number {
  if (report.unreachable) return EXIT_UNREACHABLE;
  return report.failed === 0 && report.passed > 0 ? EXIT_PASSED : EXIT_FAILED;
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parseCommandLine(argv, io.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`${error.message}\n\n${USAGE}\n`);
    return EXIT_UNREACHABLE;
  }
  if (parsed.help) {
    io.stdout(`${USAGE}\n`);
    return EXIT_PASSED;
  }

  let report: MatrixReport;
  try {
    report = await (io.run ?? runMatrix)(parsed.options);
  } catch (error) {
    // runMatrix throws only for unusable options (a malformed URL).
    io.stderr(`${(error as Error).message}\n`);
    return EXIT_UNREACHABLE;
  }

  if (parsed.junit) {
    try {
      (io.writeFile ?? ((path, content) => writeFileSync(path, content)))(parsed.junit, toJUnitXml(report));
    } catch (error) {
      io.stderr(`Could not write ${parsed.junit}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}\n`);
      return EXIT_UNREACHABLE;
    }
  }
  if (parsed.json) {
    io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    for (const line of notes(report)) io.stderr(`${line}\n`);
    io.stderr(`${summaryLine(report)}\n`);
  } else {
    io.stdout(`${renderTable(report)}\n`);
    for (const line of notes(report)) io.stdout(`${line}\n`);
    io.stdout(`${summaryLine(report)}\n`);
  }
  return exitCodeFor(report);
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  const code = await main(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
  });
  // Keep-alive sockets of the fetch pool must not hold the exit up; stdout is flushed first.
  process.stdout.write('', () => process.exit(code));
}
