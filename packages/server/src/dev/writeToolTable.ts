/** Writes the tool table into the repository's README.md, between its markers. */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ALL_TOOLS } from '../tools/registry.js';
import { toolTableMarkdown, withToolTable } from '../tools/toolTable.js';

const README = fileURLToPath(new URL('../../../../README.md', import.meta.url));
const before = readFileSync(README, 'utf8');
const after = withToolTable(before, toolTableMarkdown(ALL_TOOLS));
if (after === before) {
  process.stdout.write('README.md tool table is up to date\n');
} else {
  writeFileSync(README, after);
  process.stdout.write(`README.md tool table written (${ALL_TOOLS.length} tools)\n`);
}
