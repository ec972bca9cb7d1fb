import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * A constant-time check of a presented token against the expected one. Both are hashed first so
 * the comparison neither leaks the expected length nor throws on a length mismatch.
 */
export function tokenMatcher(expected: string): (presented: string) => boolean {
  const want = createHash('sha256').update(expected, 'utf8').digest();
  return (presented) => timingSafeEqual(createHash('sha256').update(presented, 'utf8').digest(), want);
}
