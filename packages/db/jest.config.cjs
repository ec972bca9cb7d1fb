module.exports = { ...require('../../tooling/jest.preset.cjs'), displayName: '@switchyard/db', rootDir: __dirname };
