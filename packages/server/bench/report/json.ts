/** `--out FILE`: the whole report as JSON, so that runs can be compared. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { BenchReport } from '../results.js';

/** Relative paths are taken from where pnpm was started (INIT_CWD), not from the package folder pnpm runs scripts in. */
export function outputPath(file: string): string {
  return resolve(process.env['INIT_CWD'] ?? process.cwd(), file);
}

export async function writeJson(file: string, report: BenchReport): Promise<string> {
  const path = outputPath(file);
  await mkdir(dirname(path), { recursive: true });
  // NaN and Infinity are not JSON; null says "not measured".
  await writeFile(path, `${JSON.stringify(report, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`);
  return path;
}
