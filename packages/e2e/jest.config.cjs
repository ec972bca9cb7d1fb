module.exports = { ...require('../../tooling/jest.preset.cjs'), displayName: '@switchyard/e2e', rootDir: __dirname };
