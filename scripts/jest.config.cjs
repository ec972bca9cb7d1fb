// The shell scripts' tests: each runs a script or a function of lib.sh as a child process.
module.exports = { ...require('@switchyard/jest-preset'), displayName: 'scripts', rootDir: __dirname, testMatch: ['<rootDir>/*.test.ts'] };
