/**
 * The one format a console password is stored in: `scrypt$N=<cost>,r=<block size>,p=<parallelism>$<salt>$<hash>`,
 * salt and hash in base64. It names its own parameters, so raising the cost later leaves existing
 * hashes verifiable. Parsed here so the configuration is refused at load when a value is not one
 * (a plain-text password above all); hashed and verified by the ops app (node:crypto scrypt).
 */
export interface PasswordHashParts {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

/** Below this the hash is too cheap to guess at offline (OWASP: N=2^17 with r=8; 2^14 is the floor we accept). */
export const MIN_SCRYPT_COST = 2 ** 14;
const MIN_SALT_BYTES = 16;
const MIN_HASH_BYTES = 32;

const FORMAT = /^scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

export const PASSWORD_HASH_HINT = 'make one with `pnpm ops:hash-password`';

/** The parts of a stored hash, or what is wrong with it (never echoing the value: it may be a password). */
export function parsePasswordHash(value: string): { ok: true; parts: PasswordHashParts } | { ok: false; problem: string } {
  const m = FORMAT.exec(value);
  if (!m) {
    const problem = value.startsWith('scrypt$')
      ? `is not a valid scrypt hash (expected scrypt$N=<cost>,r=<r>,p=<p>$<salt base64>$<hash base64>); ${PASSWORD_HASH_HINT}`
      : `must be a password hash, not a password: plain-text passwords are refused; ${PASSWORD_HASH_HINT}`;
    return { ok: false, problem };
  }
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const salt = Buffer.from(m[4] ?? '', 'base64');
  const hash = Buffer.from(m[5] ?? '', 'base64');
  if (N < MIN_SCRYPT_COST || (N & (N - 1)) !== 0) return { ok: false, problem: `scrypt cost N=${N} must be a power of 2 of at least ${MIN_SCRYPT_COST}; ${PASSWORD_HASH_HINT}` };
  if (r < 1 || r > 32 || p < 1 || p > 16) return { ok: false, problem: `scrypt parameters r=${r}, p=${p} are out of range (r 1..32, p 1..16); ${PASSWORD_HASH_HINT}` };
  if (salt.length < MIN_SALT_BYTES || hash.length < MIN_HASH_BYTES) return { ok: false, problem: `scrypt salt or hash is too short (at least ${MIN_SALT_BYTES} and ${MIN_HASH_BYTES} bytes); ${PASSWORD_HASH_HINT}` };
  return { ok: true, parts: { N, r, p, salt, hash } };
}

export function formatPasswordHash(parts: PasswordHashParts): string {
  return `scrypt$N=${parts.N},r=${parts.r},p=${parts.p}$${parts.salt.toString('base64')}$${parts.hash.toString('base64')}`;
}
