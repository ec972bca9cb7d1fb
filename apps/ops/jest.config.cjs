module.exports = { ...require('../../tooling/jest.preset.cjs'), displayName: '@switchyard/ops', rootDir: __dirname };
