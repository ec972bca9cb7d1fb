module.exports = { ...require('../../tooling/jest.preset.cjs'), displayName: '@switchyard/planning', rootDir: __dirname };
