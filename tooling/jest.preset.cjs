// Shared jest preset: TypeScript runs through swc with no build step.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j)sx?$': [
      '@swc/jest',
      { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
    ],
  },
  // The schema engine's wasm glue ships as ESM only; everything else in node_modules is CommonJS.
  transformIgnorePatterns: ['/node_modules/(?!(\\.pnpm|@prisma/schema-engine-wasm)/)'],
  moduleFileExtensions: ['ts', 'js', 'json', 'cjs', 'mjs'],
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  testTimeout: 30000,
};
