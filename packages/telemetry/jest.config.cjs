module.exports = { ...require('@switchyard/jest-preset'), displayName: '@switchyard/telemetry', rootDir: __dirname };
