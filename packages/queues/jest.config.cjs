module.exports = { ...require('../../tooling/jest.preset.cjs'), displayName: '@switchyard/queues', rootDir: __dirname };
