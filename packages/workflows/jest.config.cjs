module.exports = { ...require('@switchyard/jest-preset'), displayName: '@switchyard/workflows', rootDir: __dirname };
