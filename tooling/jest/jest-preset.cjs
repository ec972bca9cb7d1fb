// Shared jest preset: TypeScript runs through swc with no build step.
// Every project names the same global setup/teardown file; jest runs a global hook once per distinct
// path, so the root multi-project run and a single package's own `jest` both get exactly one fresh
// test database.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j)sx?$': [
      require.resolve('@swc/jest'),
      { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
    ],
  },
  // The schema engine's wasm glue ships as ESM only; everything else in node_modules is CommonJS.
  transformIgnorePatterns: ['/node_modules/(?!(\\.pnpm|@prisma/schema-engine-wasm)/)'],
  moduleFileExtensions: ['ts', 'js', 'json', 'cjs', 'mjs'],
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  // The same limit as the root run, so a package run on its own behaves the same.
  testTimeout: 60000,
  globalSetup: require.resolve('./global-setup.cjs'),
  globalTeardown: require.resolve('./global-teardown.cjs'),
};
