module.exports = { ...require('../../tooling/jest.preset.cjs'), displayName: '@switchyard/settings', rootDir: __dirname };
