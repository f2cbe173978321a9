/**
 * The report as JUnit XML, for CI systems that chart test results: one test suite per
 * category, one test case per matrix case, a failure element carrying expected and got.
 */
import { createRequire } from 'node:module';
import type { MatrixReport } from './runner.js';

/**
 * junit-report-builder is CommonJS with `module.exports = builder`, while its typings declare
 * an ES default export; `require` gets the object the typings describe.
 */
const junit = createRequire(import.meta.url)('junit-report-builder') as typeof import('junit-report-builder').default;

export function toJUnitXml(report: MatrixReport): string {
  const builder = junit.newBuilder().name('neonpanel-mcp e2e matrix');
  const suites = new Map<string, ReturnType<typeof builder.testSuite>>();
  for (const result of report.results) {
    let suite = suites.get(result.category);
    if (!suite) {
      suite = builder.testSuite().name(result.category);
      suites.set(result.category, suite);
    }
    const testCase = suite.testCase().className(`e2e.${result.category}`).name(result.name);
    if (result.durationMs !== undefined) testCase.time(result.durationMs / 1000);
    if (!result.ok) testCase.failure(`expected ${result.expected}; got ${result.got}`, report.unreachable ? 'unreachable' : 'mismatch');
  }
  for (const skipped of report.skipped ?? []) {
    let suite = suites.get(skipped.category);
    if (!suite) {
      suite = builder.testSuite().name(skipped.category);
      suites.set(skipped.category, suite);
    }
    suite.testCase().className(`e2e.${skipped.category}`).name(skipped.name).skipped();
  }
  return builder.build();
}
