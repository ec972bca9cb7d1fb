module.exports = { ...require('../../tooling/jest.preset.cjs'), displayName: '@switchyard/logger', rootDir: __dirname };
