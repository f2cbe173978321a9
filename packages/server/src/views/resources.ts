/**
 * The built views as MCP resources, read once at start-up: each file's content hash goes into
 * its URI (`ui://neonpanel/<view>-<hash>.html`), so a redeploy that changes a view changes
 * its URI and no host can keep showing a stale cached copy.
 *
 * Both eras serve these (mcp/uiResources.ts); the views themselves know nothing of the server.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VIEW_MIME_TYPE, VIEWS, type ViewId } from './catalogue.js';

/**
 * What the host may load: nothing beyond the document itself. Explicit and empty rather than
 * omitted, because hosts' defaults differ (spec: "Empty or omitted = no external connections").
 */
export const VIEW_CSP = { connectDomains: [] as string[], resourceDomains: [] as string[], frameDomains: [] as string[], baseUriDomains: [] as string[] };

export interface ViewResource {
  id: ViewId;
  uri: string;
  name: string;
  title: string;
  description: string;
  mimeType: typeof VIEW_MIME_TYPE;
  html: string;
  /** `_meta` of the listing and of the content: `ui.csp` and `ui.prefersBorder`. */
  meta: { ui: { csp: typeof VIEW_CSP; prefersBorder: boolean } };
}

export interface ViewResources {
  readonly all: readonly ViewResource[];
  byUri(uri: string): ViewResource | undefined;
  /** The resource URI of a view; throws for an id that was never built (a programming error). */
  uriOf(id: ViewId): string;
}

export class ViewsNotBuiltError extends Error {
  constructor(dir: string, id: string) {
    super(`MCP Apps view ${id}.html is missing from ${dir}: run \`pnpm --filter @neonpanel-mcp/server build:views\` (part of \`pnpm build\`).`);
    this.name = 'ViewsNotBuiltError';
  }
}

/**
 * Where the built files are: next to this module once compiled (dist/views/), or in
 * dist/views/ of the package when the sources run directly (tsx, jest).
 */
export function defaultViewsDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return existsSync(join(here, `${VIEWS[0]!.id}.html`)) ? here : resolve(here, '../../dist/views');
}

export function loadViewResources(dir = defaultViewsDir()): ViewResources {
  const all = VIEWS.map((view): ViewResource => {
    const file = join(dir, `${view.id}.html`);
    if (!existsSync(file)) throw new ViewsNotBuiltError(dir, view.id);
    const html = readFileSync(file, 'utf8');
    const hash = createHash('sha256').update(html).digest('hex').slice(0, 12);
    return {
      id: view.id,
      uri: `ui://neonpanel/${view.id}-${hash}.html`,
      name: view.id,
      title: view.title,
      description: view.description,
      mimeType: VIEW_MIME_TYPE,
      html,
      meta: { ui: { csp: VIEW_CSP, prefersBorder: true } },
    };
  });
  const byUri = new Map(all.map((v) => [v.uri, v]));
  const byId = new Map(all.map((v) => [v.id, v]));
  return {
    all,
    byUri: (uri) => byUri.get(uri),
    uriOf(id) {
      const view = byId.get(id);
      if (!view) throw new Error(`Unknown view ${id}`);
      return view.uri;
    },
  };
}
