module.exports = {
  ...require('../../jest.preset.cjs'),
  // The server reads the built views at start (src/views/resources.ts): build them from the
  // sources under test, once per run.
  globalSetup: '<rootDir>/test/helpers/buildViews.cjs',
};
