module.exports = { ...require('@switchyard/jest-preset'), displayName: '@switchyard/worker-crm', rootDir: __dirname };
