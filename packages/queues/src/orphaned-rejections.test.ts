import { isRedisConnectionLoss } from './orphaned-rejections';

describe('isRedisConnectionLoss', () => {
  it.each([
    [new Error("Stream isn't writeable and enableOfflineQueue options is false"), true],
    [new Error('Connection is closed.'), true],
    // Anything else must still end the process: a bug, or a Redis answer that is not a lost connection.
    [new Error("Stream isn't writeable and enableOfflineQueue options is false; and more"), false],
    [new Error('ReplyError: NOSCRIPT No matching script'), false],
    [new TypeError('Cannot read properties of undefined'), false],
    ["Stream isn't writeable and enableOfflineQueue options is false", false],
    [undefined, false],
  ])('%p → %p', (reason, expected) => {
    expect(isRedisConnectionLoss(reason)).toBe(expected);
  });
});
