module.exports = { ...require('../../tooling/jest.preset.cjs'), displayName: '@switchyard/errors', rootDir: __dirname };
