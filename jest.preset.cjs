// Shared jest settings: TypeScript ESM through ts-jest. Type errors are caught by
// `pnpm typecheck` (tsc), so ts-jest only transpiles, which keeps the suite fast.
module.exports = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json', diagnostics: false }],
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 20000,
  reporters: ['default', require.resolve('./scripts/jestSummaryReporter.cjs')],
};
