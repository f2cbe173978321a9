/**
 * Where things are. The bench runs compiled (tsc → node_modules/.cache/neonpanel-bench), so
 * the measured processes carry no TypeScript loader: `--import tsx` alone adds ~40 MB of RSS
 * and a loader thread, which would distort every memory figure.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const PACKAGE_NAME = '@neonpanel-mcp/server';

function findPackageRoot(from: string): string {
  let dir = from;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`bench: cannot find the ${PACKAGE_NAME} package above ${from}`);
    dir = parent;
  }
}

/** The compiled bench folder (this file's folder at run time). */
export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const PACKAGE_ROOT = findPackageRoot(BENCH_DIR);
export const DIST_DIR = join(PACKAGE_ROOT, 'dist');
/** Our production entry point. */
export const OURS_MAIN = join(DIST_DIR, 'main.js');
/** The development build (`pnpm build:dev`): the sandbox and the demo users, never in the production output. */
export const DEV_DIST_DIR = join(PACKAGE_ROOT, 'dist-dev');

/** A compiled bench module, e.g. `benchFile('servers/baseline.js')`. */
export const benchFile = (relative: string): string => join(BENCH_DIR, relative);

async function importBuilt<T>(dir: string, script: string, relative: string): Promise<T> {
  const file = join(dir, relative);
  if (!existsSync(file)) throw new Error(`bench: ${file} is missing; run \`pnpm --filter ${PACKAGE_NAME} ${script}\` first`);
  return (await import(pathToFileURL(file).href)) as T;
}

/** Imports a module of the production build; the caller states its type with `typeof import('../src/…')`. */
export const importDist = <T>(relative: string): Promise<T> => importBuilt<T>(DIST_DIR, 'build', relative);

/** Imports a module of the development build, e.g. `importDevDist('dev/demoUsers.js')`. */
export const importDevDist = <T>(relative: string): Promise<T> => importBuilt<T>(DEV_DIST_DIR, 'build:dev', relative);

export function sdkVersion(): string {
  const manifest = join(PACKAGE_ROOT, 'node_modules', '@modelcontextprotocol', 'sdk', 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}
