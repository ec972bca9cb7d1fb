module.exports = { ...require('@switchyard/jest-preset'), displayName: '@switchyard/db', rootDir: __dirname };
