module.exports = { ...require('../../tooling/jest.preset.cjs'), displayName: '@switchyard/workflows', rootDir: __dirname };
