// One jest run over every workspace project; each project extends @switchyard/jest-preset (tooling/jest).
// The preset names the same global setup/teardown, so the test database is still created once per run.
/** @type {import('jest').Config} */
module.exports = {
  projects: ['<rootDir>/packages/*/jest.config.cjs', '<rootDir>/apps/*/jest.config.cjs', '<rootDir>/scripts/jest.config.cjs', '<rootDir>/deploy/jest.config.cjs'],
  testTimeout: 60000,
  globalSetup: require.resolve('@switchyard/jest-preset/global-setup.cjs'),
  globalTeardown: require.resolve('@switchyard/jest-preset/global-teardown.cjs'),
};
