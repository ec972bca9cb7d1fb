module.exports = { ...require('@switchyard/jest-preset'), displayName: '@switchyard/worker-whatsapp', rootDir: __dirname };
