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
  // `cdk synth` (part of `pnpm test`) copies whole packages into cdk.out as assets, one copy per
  // source version; jest's module map would see each as another @neonpanel-mcp/* package and
  // refuse to resolve the name on the next run.
  modulePathIgnorePatterns: ['<rootDir>/cdk.out/'],
  testTimeout: 20000,
  reporters: ['default', require.resolve('./scripts/jestSummaryReporter.cjs')],
};
