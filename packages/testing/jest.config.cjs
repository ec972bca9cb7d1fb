module.exports = { ...require('@switchyard/jest-preset'), displayName: '@switchyard/testing', rootDir: __dirname };
