module.exports = { ...require('../../tooling/jest.preset.cjs'), displayName: '@switchyard/domain', rootDir: __dirname };
