module.exports = { ...require('@switchyard/jest-preset'), displayName: '@switchyard/config', rootDir: __dirname };
