module.exports = { ...require('../../tooling/jest.preset.cjs'), displayName: '@switchyard/worker-runtime', rootDir: __dirname };
