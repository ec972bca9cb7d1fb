module.exports = { ...require('@switchyard/jest-preset'), displayName: '@switchyard/errors', rootDir: __dirname };
