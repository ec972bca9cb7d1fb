module.exports = { ...require('@switchyard/jest-preset'), displayName: '@switchyard/ops', rootDir: __dirname };
