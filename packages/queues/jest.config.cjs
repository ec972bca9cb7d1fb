module.exports = { ...require('@switchyard/jest-preset'), displayName: '@switchyard/queues', rootDir: __dirname };
