module.exports = { ...require('@switchyard/jest-preset'), displayName: '@switchyard/console', rootDir: __dirname };
