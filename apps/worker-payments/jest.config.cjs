module.exports = { ...require('@switchyard/jest-preset'), displayName: '@switchyard/worker-payments', rootDir: __dirname };
