/**
 * MCP Apps (`io.modelcontextprotocol/ui`, 2026-01-26) for both eras, as plain data the two
 * servers answer with: the capability, `resources/list`, `resources/read`, and each linked
 * tool's `_meta.ui`. The ext-apps server helpers write these through the high-level
 * `McpServer`, which neither era's server here is, so the same fields are written here.
 */
import type { PublishedTool } from '../tools/types.js';
import type { ViewResources } from '../views/resources.js';
import { UI_EXTENSION_ID, VIEW_MIME_TYPE } from '../views/catalogue.js';

/** The flat key older hosts read; ext-apps `registerAppTool` writes it next to `_meta.ui.resourceUri`. */
export const LEGACY_RESOURCE_URI_KEY = 'ui/resourceUri';

/** `capabilities.extensions`: the ext-apps helpers do not declare it, so both servers do. */
export const UI_EXTENSIONS: Record<string, { mimeTypes: string[] }> = { [UI_EXTENSION_ID]: { mimeTypes: [VIEW_MIME_TYPE] } };

/** A resource that is not there: -32602 with the URI in `data` (SEP-2164), in both eras. */
export class ViewNotFoundError extends Error {
  readonly code = -32602;
  constructor(readonly uri: string) {
    super(`Resource not found: ${uri}`);
    this.name = 'ViewNotFoundError';
  }
}

export function listViewResources(views: ViewResources) {
  return {
    resources: views.all.map((v) => ({ uri: v.uri, name: v.name, title: v.title, description: v.description, mimeType: v.mimeType, _meta: v.meta })),
  };
}

export function readViewResource(views: ViewResources, uri: string) {
  const view = views.byUri(uri);
  if (!view) throw new ViewNotFoundError(uri);
  return { contents: [{ uri: view.uri, mimeType: view.mimeType, text: view.html, _meta: view.meta }] };
}

/**
 * A tool as listed, with its view link turned into `_meta.ui` (and the flat legacy key)
 * and the internal `ui` field dropped. Other `_meta` (security schemes) is kept.
 */
export function withViewMeta(listed: Record<string, unknown>, tool: PublishedTool, views: ViewResources): Record<string, unknown> {
  const { ui: _ui, ...rest } = listed;
  if (!tool.ui) return rest;
  const resourceUri = views.uriOf(tool.ui.view);
  const ui = { resourceUri, ...(tool.ui.visibility ? { visibility: [...tool.ui.visibility] } : {}) };
  return { ...rest, _meta: { ...(rest['_meta'] as Record<string, unknown> | undefined), ui, [LEGACY_RESOURCE_URI_KEY]: resourceUri } };
}
