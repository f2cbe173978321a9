/**
 * `patches/zod@4.6.7.patch` works only if every zod the server runs is that one patched copy:
 * the server's own, the 1.x SDK's (`@modelcontextprotocol/sdk`) and the 2.x SDK's
 * (`@modelcontextprotocol/server` and its `@modelcontextprotocol/core`). A range in
 * package.json, or an SDK that brought its own zod, would leave a stock copy on a hot path.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const rootDir = path.resolve(serverDir, '../..');
const rootPackage = JSON.parse(readFileSync(path.join(rootDir, 'package.json'), 'utf8')) as { pnpm: { patchedDependencies: Record<string, string> } };
const serverPackage = JSON.parse(readFileSync(path.join(serverDir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

/** The patched zod's version: the key of its entry in pnpm.patchedDependencies (`zod@4.6.7`). */
const patchedKey = Object.keys(rootPackage.pnpm.patchedDependencies).find((k) => k.startsWith('zod@'));
const patchedVersion = patchedKey?.slice('zod@'.length);

/**
 * The folder of the package `name` as Node resolves it from `fromDir` (each ancestor's
 * node_modules, nearest first), real path. By hand rather than `require.resolve`: jest's
 * resolver honours `exports`, and the SDKs do not export their package.json.
 */
function resolvePackage(name: string, fromDir: string): string {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (path.basename(dir) !== 'node_modules' && existsSync(path.join(candidate, 'package.json'))) return realpathSync(candidate);
    if (path.dirname(dir) === dir) throw new Error(`${name} is not resolvable from ${fromDir}`);
  }
}
const zodOf = (fromDir: string) => resolvePackage('zod', fromDir);

test('zod is pinned exactly to the version its patch is keyed to', () => {
  expect(patchedVersion).toBe('4.6.7');
  expect(serverPackage.dependencies['zod']).toBe(patchedVersion);
});

test('the server and both MCP SDKs resolve one and the same zod copy, and it is the patched one', () => {
  const sdk1 = resolvePackage('@modelcontextprotocol/sdk', serverDir);
  const sdk2 = resolvePackage('@modelcontextprotocol/server', serverDir);
  const core = resolvePackage('@modelcontextprotocol/core', sdk2);
  const copies = { server: zodOf(serverDir), sdk1: zodOf(sdk1), sdk2: zodOf(sdk2), core: zodOf(core) };
  expect(new Set(Object.values(copies)).size).toBe(1);
  const copy = copies.server;
  expect((JSON.parse(readFileSync(path.join(copy, 'package.json'), 'utf8')) as { version: string }).version).toBe(patchedVersion);
  for (const build of ['v4/core/parse.js', 'v4/core/parse.cjs']) {
    expect([build, readFileSync(path.join(copy, build), 'utf8').includes('neonpanel-mcp patch')]).toEqual([build, true]);
  }
});
