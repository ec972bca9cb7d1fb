module.exports = { ...require('../../tooling/jest.preset.cjs'), displayName: '@switchyard/outbound', rootDir: __dirname };
