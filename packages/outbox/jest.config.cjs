module.exports = { ...require('../../tooling/jest.preset.cjs'), displayName: '@switchyard/outbox', rootDir: __dirname };
