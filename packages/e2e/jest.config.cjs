module.exports = { ...require('@switchyard/jest-preset'), displayName: '@switchyard/e2e', rootDir: __dirname };
