// Two runs of the shared-state tests (test/store): on a plain redis-server and on a one-node
// cluster, which checks hash slots as ElastiCache Serverless does. The fault suite
// (test/faults, `pnpm test:faults`) is its own project: it runs built server processes.
const { reporters, testTimeout, ...project } = require('../../jest.preset.cjs');

module.exports = {
  reporters,
  testTimeout,
  projects: [
    { ...project, displayName: 'plain', testTimeout, testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/faults/'] },
    { ...project, displayName: 'cluster', testTimeout, testMatch: ['<rootDir>/test/store/**/*.test.ts'], setupFiles: ['<rootDir>/test/helpers/clusterMode.cjs'] },
    { ...project, displayName: 'faults', testTimeout, testMatch: ['<rootDir>/test/faults/**/*.test.ts'] },
  ],
};
