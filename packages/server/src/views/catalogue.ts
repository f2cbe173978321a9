/**
 * The MCP Apps views this server serves, as data: an id (the built file's name and the
 * resource URI's stem), a title and a description. Tools name a view by id (`ui.view` in
 * tools/types.ts); the URI with its content hash is known once the built files are read.
 */
export const VIEW_IDS = ['inventory-balances', 'revenue-cogs', 'open-documents'] as const;
export type ViewId = (typeof VIEW_IDS)[number];

export interface ViewSpec {
  id: ViewId;
  title: string;
  description: string;
}

export const VIEWS: readonly ViewSpec[] = [
  {
    id: 'inventory-balances',
    title: 'Inventory balances',
    description: 'Units on hand per item and warehouse, with a bar per warehouse, a total column, sortable columns and paging.',
  },
  {
    id: 'revenue-cogs',
    title: 'Revenue and COGS',
    description: 'Revenue and COGS bars per period with the gross margin as a line, and the same numbers as a table.',
  },
  {
    id: 'open-documents',
    title: 'Open documents by age',
    description: 'Amounts due by age bucket (current, 1-30, 31-60, 61-90, over 90 days); a click on a bucket lists its documents.',
  },
];

/** The MCP Apps resource MIME type (ext-apps RESOURCE_MIME_TYPE). */
export const VIEW_MIME_TYPE = 'text/html;profile=mcp-app';
/** The MCP Apps extension id, declared under `capabilities.extensions`. */
export const UI_EXTENSION_ID = 'io.modelcontextprotocol/ui';
/** Each built view must stay within this many bytes, uncompressed (issue 28). */
export const VIEW_BUDGET_BYTES = 150 * 1024;
