module.exports = { ...require('@switchyard/jest-preset'), displayName: '@switchyard/receiver', rootDir: __dirname };
