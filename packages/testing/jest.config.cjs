module.exports = { ...require('../../tooling/jest.preset.cjs'), displayName: '@switchyard/testing', rootDir: __dirname };
