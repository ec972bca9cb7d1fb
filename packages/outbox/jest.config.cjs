module.exports = { ...require('@switchyard/jest-preset'), displayName: '@switchyard/outbox', rootDir: __dirname };
