// Two runs of the shared-state tests (test/store): on a plain redis-server and on a one-node
// cluster, which checks hash slots as ElastiCache Serverless does. The fault suite
// (test/faults, `pnpm test:faults`) is its own project: it runs built server processes.
const { reporters, testTimeout, ...project } = require('../../jest.preset.cjs');

module.exports = {
  reporters,
  testTimeout,
  // The server reads the built views at start (src/views/resources.ts): build them from the
  // sources under test, once per run, whichever projects run.
  globalSetup: '<rootDir>/test/helpers/buildViews.cjs',
  projects: [
    { ...project, displayName: 'plain', testTimeout, testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/faults/'] },
    { ...project, displayName: 'cluster', testTimeout, testMatch: ['<rootDir>/test/store/**/*.test.ts'], setupFiles: ['<rootDir>/test/helpers/clusterMode.cjs'] },
    { ...project, displayName: 'faults', testTimeout, testMatch: ['<rootDir>/test/faults/**/*.test.ts'] },
  ],
};
