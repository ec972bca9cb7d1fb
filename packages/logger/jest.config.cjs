module.exports = { ...require('@switchyard/jest-preset'), displayName: '@switchyard/logger', rootDir: __dirname };
