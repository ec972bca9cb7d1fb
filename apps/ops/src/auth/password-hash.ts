import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { formatPasswordHash, parsePasswordHash } from '@switchyard/settings';

/** Cost for new hashes: N=2^17, r=8, p=1 (OWASP's scrypt recommendation): 128 MiB and ~0.3 s per check here. */
export const DEFAULT_COST = { N: 2 ** 17, r: 8, p: 1 } as const;
const KEY_BYTES = 32;

type Cost = { N: number; r: number; p: number };

function scryptAsync(password: string, salt: Buffer, cost: Cost, keyBytes: number): Promise<Buffer> {
  // Node refuses parameters needing more than maxmem (32 MiB by default); allow what the cost needs.
  const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r * cost.p };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, keyBytes, options, (err, key) => (err ? reject(err) : resolve(key))));
}

/** A new self-describing hash of `password` (`scrypt$N=…,r=…,p=…$<salt>$<hash>`), with a fresh random salt. */
export async function hashPassword(password: string, cost: Cost = DEFAULT_COST): Promise<string> {
  const salt = randomBytes(16);
  return formatPasswordHash({ ...cost, salt, hash: await scryptAsync(password, salt, cost, KEY_BYTES) });
}

/**
 * Whether `password` matches `stored`, compared in constant time. A stored value that is not a hash
 * never matches (settings refuse one at load; this is the second line).
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parsePasswordHash(stored);
  if (!parsed.ok) return false;
  const { salt, hash, N, r, p } = parsed.parts;
  return timingSafeEqual(await scryptAsync(password, salt, { N, r, p }, hash.length), hash);
}

/**
 * A hash no password matches, at the cost of `like` (a configured user's hash): checked for a user
 * name nobody has, so a wrong name takes as long as a wrong password and the answer's timing does
 * not tell which names exist.
 */
export function decoyHash(like: string | undefined): string {
  const parsed = like === undefined ? undefined : parsePasswordHash(like);
  const cost = parsed?.ok ? { N: parsed.parts.N, r: parsed.parts.r, p: parsed.parts.p } : DEFAULT_COST;
  return formatPasswordHash({ ...cost, salt: randomBytes(16), hash: randomBytes(KEY_BYTES) });
}
