module.exports = { ...require('../../tooling/jest.preset.cjs'), displayName: '@switchyard/sandbox', rootDir: __dirname };
