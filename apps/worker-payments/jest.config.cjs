module.exports = { ...require('../../tooling/jest.preset.cjs'), displayName: '@switchyard/worker-payments', rootDir: __dirname };
