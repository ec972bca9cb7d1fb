module.exports = { ...require('@switchyard/jest-preset'), displayName: '@switchyard/connectors', rootDir: __dirname };
