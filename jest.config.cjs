// One jest run over every workspace project; each project extends tooling/jest.preset.cjs.
/** @type {import('jest').Config} */
module.exports = {
  projects: ['<rootDir>/packages/*/jest.config.cjs', '<rootDir>/apps/*/jest.config.cjs', '<rootDir>/scripts/jest.config.cjs'],
  testTimeout: 60000,
  globalSetup: '<rootDir>/tooling/jest.global-setup.cjs',
  globalTeardown: '<rootDir>/tooling/jest.global-teardown.cjs',
};
