/** The README's tool table is the registry's: regenerate it with `pnpm --filter @neonpanel-mcp/server readme:tools`. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { ALL_TOOLS } from '../../src/tools/registry.js';
import { TOOL_TABLE_END, TOOL_TABLE_START, toolTableMarkdown, withToolTable } from '../../src/tools/toolTable.js';

const README = fileURLToPath(new URL('../../../../README.md', import.meta.url));

describe('README tool table', () => {
  it('lists every tool, by toolset, with its scope', () => {
    const table = toolTableMarkdown(ALL_TOOLS);
    for (const tool of ALL_TOOLS) expect(table).toContain(`| ${tool.toolset} | \`${tool.name}\` | ${tool.scope ? `\`${tool.scope}\`` : '—'} |`);
    expect(table.split('\n')).toHaveLength(ALL_TOOLS.length + 2);
  });

  it('matches README.md (run `pnpm --filter @neonpanel-mcp/server readme:tools` after changing a tool)', () => {
    const readme = readFileSync(README, 'utf8');
    expect(readme).toContain(TOOL_TABLE_START);
    expect(readme).toContain(TOOL_TABLE_END);
    expect(withToolTable(readme, toolTableMarkdown(ALL_TOOLS))).toBe(readme);
  });

  it('would notice a drift: a README with one tool less differs', () => {
    const readme = withToolTable(readFileSync(README, 'utf8'), toolTableMarkdown(ALL_TOOLS.slice(1)));
    expect(withToolTable(readme, toolTableMarkdown(ALL_TOOLS))).not.toBe(readme);
  });
});
