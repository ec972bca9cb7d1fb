module.exports = { ...require('@switchyard/jest-preset'), displayName: '@switchyard/domain', rootDir: __dirname };
