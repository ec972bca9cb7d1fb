module.exports = { ...require('../../tooling/jest.preset.cjs'), displayName: '@switchyard/receiver', rootDir: __dirname };
