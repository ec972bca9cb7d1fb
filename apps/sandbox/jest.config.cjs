module.exports = { ...require('@switchyard/jest-preset'), displayName: '@switchyard/sandbox', rootDir: __dirname };
