import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * Which proxies may tell us the client's address, in the form Express's `trust proxy` takes:
 * `false` (none: the socket's peer is the client), a hop count, or addresses and CIDR ranges
 * (plus proxy-addr's names `loopback`, `linklocal`, `uniquelocal`).
 */
export type TrustProxy = false | number | string[];

const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function rangeProblem(entry: string): string | null {
  if (NAMED_RANGES.has(entry)) return null;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (!family || rest.length) return `"${entry}" is not an IP address or CIDR range`;
  if (prefix === undefined) return null;
  const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
  return bits >= 0 && bits <= (family === 4 ? 32 : 128) ? null : `"${entry}" has an invalid prefix length`;
}

/**
 * `TRUST_PROXY`: unset, `none` or `false` → no proxy is trusted (X-Forwarded-For is ignored);
 * a number → that many proxies in front of us, the client is the address they saw; otherwise a
 * comma-separated list of the proxies' addresses or CIDR ranges, walked from the right.
 * `true` (trust any hop, so any client picks its own address) is refused on purpose.
 */
export const trustProxy = z
  .string()
  .default('none')
  .transform((raw, ctx): TrustProxy => {
    const value = raw.trim().toLowerCase();
    if (value === '' || value === 'none' || value === 'false' || value === '0') return false;
    if (value === 'true') {
      ctx.addIssue({ code: 'custom', message: 'true would trust any X-Forwarded-For a client sends; give the number of proxies in front of the app or their addresses/CIDR ranges' });
      return z.NEVER;
    }
    if (/^\d+$/.test(value)) return Number(value);
    const entries = value.split(',').map((s) => s.trim()).filter(Boolean);
    const problems = entries.map(rangeProblem).filter((p): p is string => p !== null);
    if (problems.length) {
      ctx.addIssue({ code: 'custom', message: `${problems.join('; ')} (expected none, a hop count, or comma-separated addresses/CIDR ranges)` });
      return z.NEVER;
    }
    return entries;
  });
