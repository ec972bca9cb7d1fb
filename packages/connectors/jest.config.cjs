module.exports = { ...require('../../tooling/jest.preset.cjs'), displayName: '@switchyard/connectors', rootDir: __dirname };
