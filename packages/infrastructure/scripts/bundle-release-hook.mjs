#!/usr/bin/env node
/**
 * Bundles the release hook and the canary (src/hook/lambda.ts: `handler` and `canary`, with
 * the e2e runner and the AWS SDK clients they use) into one ES module for Lambda:
 * dist/release-hook/index.mjs. Local esbuild, no Docker;
 * `pnpm build` runs it so `cdk synth` only hashes a directory that already exists.
 *
 *   node scripts/bundle-release-hook.mjs [OUTDIR]
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.resolve(process.argv[2] ?? path.join(packageDir, 'dist/release-hook'));

/**
 * The e2e package's index also exports its JUnit writer, which loads junit-report-builder with
 * createRequire (invisible to a bundler). The hook never writes JUnit, so that one module is
 * replaced by a stub that says so if it is ever called.
 */
const withoutJUnit = {
  name: 'without-junit',
  setup(b) {
    b.onResolve({ filter: /^\.\/junit\.js$/ }, (args) =>
      args.importer.includes(`${path.sep}e2e${path.sep}`) ? { path: 'junit-stub', namespace: 'release-hook-stub' } : undefined);
    b.onLoad({ filter: /.*/, namespace: 'release-hook-stub' }, () => ({
      contents: "export function toJUnitXml() { throw new Error('JUnit output is not bundled into the release hook'); }",
      loader: 'js',
    }));
  },
};

rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [path.join(packageDir, 'src/hook/lambda.ts')],
  outfile: path.join(outdir, 'index.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: false,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [withoutJUnit],
  // Some bundled CommonJS dependencies call require() for Node built-ins.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});
process.stdout.write(`release hook bundled into ${path.relative(process.cwd(), outdir) || '.'}/index.mjs\n`);
