import { createHmac, timingSafeEqual } from 'node:crypto';

export function hmac(algorithm: 'sha256' | 'sha1', key: string | Buffer, data: string | Buffer): Buffer {
  return createHmac(algorithm, key).update(data).digest();
}

/** Constant-time comparison of two encodings of a digest; different lengths are simply unequal. */
export function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Decodes `candidate` (hex or base64) and compares it with `expected` in constant time. */
export function matchesDigest(expected: Buffer, candidate: string, encoding: 'hex' | 'base64'): boolean {
  if (encoding === 'hex' && !/^[0-9a-f]+$/i.test(candidate)) return false;
  return safeEqual(expected, Buffer.from(candidate, encoding));
}
