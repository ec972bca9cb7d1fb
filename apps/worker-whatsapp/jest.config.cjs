module.exports = { ...require('../../tooling/jest.preset.cjs'), displayName: '@switchyard/worker-whatsapp', rootDir: __dirname };
