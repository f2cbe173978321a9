/** Locations in the repository, found by walking up so they hold from `lib/` and `dist/lib/` alike. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The workspace root: the first ancestor holding pnpm-workspace.yaml (the Docker build context). */
export function repositoryRoot(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    if (existsSync(path.join(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No pnpm-workspace.yaml above ${from}; cannot find the Docker build context`);
    dir = parent;
  }
}

/** Where `pnpm build` puts the release hook's Lambda bundle (scripts/bundle-release-hook.mjs). */
export function releaseHookBundleDir(): string {
  return path.join(repositoryRoot(), 'packages/infrastructure/dist/release-hook');
}
