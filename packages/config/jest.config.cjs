module.exports = { ...require('../../tooling/jest.preset.cjs'), displayName: '@switchyard/config', rootDir: __dirname };
