module.exports = { ...require('../../tooling/jest.preset.cjs'), displayName: '@switchyard/worker-crm', rootDir: __dirname };
