module.exports = { ...require('@switchyard/jest-preset'), displayName: '@switchyard/deploy', rootDir: __dirname };
