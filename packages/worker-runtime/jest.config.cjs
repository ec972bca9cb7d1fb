module.exports = { ...require('@switchyard/jest-preset'), displayName: '@switchyard/worker-runtime', rootDir: __dirname };
