module.exports = { ...require('@switchyard/jest-preset'), displayName: '@switchyard/outbound', rootDir: __dirname };
