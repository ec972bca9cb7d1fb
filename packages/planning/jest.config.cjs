module.exports = { ...require('@switchyard/jest-preset'), displayName: '@switchyard/planning', rootDir: __dirname };
