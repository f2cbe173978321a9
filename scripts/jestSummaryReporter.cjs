// Appends each jest run's totals to the file named by NEONPANEL_TEST_SUMMARY, so the root
// `pnpm test` can end with one line for the whole workspace (scripts/testSummary.mjs).
const { appendFileSync } = require('node:fs');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const file = process.env.NEONPANEL_TEST_SUMMARY;
    if (!file) return;
    appendFileSync(file, `${JSON.stringify({
      cwd: process.cwd(),
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      skipped: results.numPendingTests + results.numTodoTests,
    })}\n`);
  }
}

module.exports = SummaryReporter;
