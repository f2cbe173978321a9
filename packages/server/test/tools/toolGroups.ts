/**
 * Which tool test file calls which tools: catalogue.test.ts the original catalogue,
 * books.test.ts everything added with the toolsets, test/views/contract.test.ts the views'
 * app-only tools. Together they call every tool.
 */
import { ALL_TOOLS } from '../../src/tools/registry.js';
import { inventoryWriteTools } from '../../src/tools/inventoryWrites.js';
import { companiesWithPermission, permissionsList } from '../../src/tools/companies.js';
import { viewTools } from '../../src/tools/viewTools.js';

const BOOK_TOOLSETS = new Set(['documents', 'payments', 'catalogue', 'forecasting']);
const EXTRA = new Set<string>([...inventoryWriteTools.map((t) => t.name), permissionsList.name, companiesWithPermission.name]);

export const VIEW_TOOL_NAMES = viewTools.map((t) => t.name).sort();
const others = ALL_TOOLS.filter((t) => !VIEW_TOOL_NAMES.includes(t.name));
export const BOOK_TOOL_NAMES = others.filter((t) => BOOK_TOOLSETS.has(t.toolset) || EXTRA.has(t.name)).map((t) => t.name).sort();
export const CATALOGUE_TOOL_NAMES = others.map((t) => t.name).filter((n) => !BOOK_TOOL_NAMES.includes(n)).sort();
