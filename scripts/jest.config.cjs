// The shell scripts' tests: each runs a script or a function of lib.sh as a child process.
module.exports = { ...require('../tooling/jest.preset.cjs'), displayName: 'scripts', rootDir: __dirname, testMatch: ['<rootDir>/*.test.ts'] };
