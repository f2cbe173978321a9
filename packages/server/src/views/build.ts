/**
 * Builds each view into one self-contained HTML document: the view's script bundled by
 * esbuild (browser IIFE, minified) and the shared stylesheet, both inline. Run by
 * `pnpm build` / `pnpm build:views` (and by jest's global setup), never by the server, which
 * only reads the results (views/resources.ts). Refuses a view that names a network scheme
 * or outgrows the budget, so a bad view cannot be shipped.
 *
 *   tsx src/views/build.ts [outDir]     (default: packages/server/dist/views)
 */
import { build } from 'esbuild';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VIEW_BUDGET_BYTES, VIEWS, type ViewSpec } from './catalogue.js';

const here = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_VIEWS_DIR = resolve(here, '../../dist/views');

/** Text a view must not contain: any of it would let the document reach the network. */
export const NETWORK_SCHEMES = /https?:/i;

function page(view: ViewSpec, css: string, js: string): string {
  if (/<\/script/i.test(js)) throw new Error(`${view.id}: the bundle contains "</script", which would end the inline script`);
  // The meta CSP repeats the host's restrictive default, so the document stays offline even
  // in a host that applies none.
  const csp = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'";
  return '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="${csp}">` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${view.title}</title><style>${css}</style></head>` +
    `<body><main id="app" aria-live="polite"></main><script>${js}</script></body></html>\n`;
}

export async function buildViews(outDir = DEFAULT_VIEWS_DIR): Promise<Array<{ id: string; bytes: number }>> {
  const css = (await readFile(join(here, 'web/styles.css'), 'utf8')).replace(/\/\*[\s\S]*?\*\//g, '').replace(/\s*\n\s*/g, '');
  await mkdir(outDir, { recursive: true });
  const built: Array<{ id: string; bytes: number }> = [];
  for (const view of VIEWS) {
    const result = await build({
      entryPoints: [join(here, 'web', `${view.id}.ts`)],
      bundle: true,
      minify: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2020',
      write: false,
      legalComments: 'none',
      logLevel: 'silent',
    });
    const html = page(view, css, result.outputFiles[0]!.text.trim());
    if (NETWORK_SCHEMES.test(html)) throw new Error(`${view.id}: the document names a network scheme (http: or https:); views load nothing`);
    const bytes = Buffer.byteLength(html);
    if (bytes > VIEW_BUDGET_BYTES) throw new Error(`${view.id}: ${bytes} bytes, over the ${VIEW_BUDGET_BYTES}-byte budget`);
    await writeFile(join(outDir, `${view.id}.html`), html);
    built.push({ id: view.id, bytes });
  }
  return built;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = process.argv[2] ? resolve(process.argv[2]) : DEFAULT_VIEWS_DIR;
  buildViews(outDir).then((built) => {
    for (const b of built) console.log(`views: ${b.id}.html ${(b.bytes / 1024).toFixed(1)} KB`);
  }, (error: Error) => {
    console.error(`views: ${error.message}`);
    process.exit(1);
  });
}
