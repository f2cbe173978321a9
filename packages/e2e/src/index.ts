/**
 * The library API of the post-deploy auth matrix: the deploy gate imports `runMatrix`.
 */
export { runMatrix, targetOf, DEFAULT_TIMEOUT_MS, DEFAULT_READ_TOOL } from './runner.js';
export type { RunMatrixOptions, MatrixReport, CaseResult, SkippedCase } from './runner.js';
export { MATRIX } from './cases.js';
export type { MatrixCase, Category, Expectation, HttpExpectation, McpExpectation, RequestSpec } from './cases.js';
export { toJUnitXml } from './junit.js';
export { redactor } from './redact.js';
