// Prints the workspace's test totals as one closing line: `N passed, N failed` (`, N skipped`).
// Exits non-zero when any suite failed or when no test ran at all.
import { readFileSync } from 'node:fs';

const file = process.argv[2];
const runs = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
const total = runs.reduce((t, r) => ({ passed: t.passed + r.passed, failed: t.failed + r.failed, skipped: t.skipped + r.skipped }), { passed: 0, failed: 0, skipped: 0 });
process.stdout.write(`${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}\n`);
process.exit(total.failed > 0 || total.passed === 0 ? 1 : 0);
