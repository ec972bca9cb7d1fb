module.exports = { ...require('@switchyard/jest-preset'), displayName: '@switchyard/settings', rootDir: __dirname };
