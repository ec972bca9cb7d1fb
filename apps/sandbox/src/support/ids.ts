import type { Rng } from './rng';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';
const DIGITS = '0123456789';
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function chars(rng: Rng, alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += alphabet[Math.floor(rng() * alphabet.length)];
  return out;
}

/** Provider-shaped identifiers, all drawn from the given RNG so a seed reproduces them. */
export const ids = {
  stripe: (rng: Rng, prefix: string) => `${prefix}_3${chars(rng, ALNUM, 23)}`,
  razorpay: (rng: Rng, prefix: string) => `${prefix}_${chars(rng, ALNUM, 14)}`,
  paypalEvent: (rng: Rng) => `WH-${chars(rng, UPPER_ALNUM, 17)}-${chars(rng, UPPER_ALNUM, 17)}`,
  paypalResource: (rng: Rng) => chars(rng, UPPER_ALNUM, 17),
  paypalDebug: (rng: Rng) => chars(rng, HEX, 13),
  uuid: (rng: Rng) => {
    const h = chars(rng, HEX, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  },
  hex: (rng: Rng, length: number) => chars(rng, HEX, length),
  digits: (rng: Rng, length: number) => `${1 + Math.floor(rng() * 9)}${chars(rng, DIGITS, length - 1)}`,
  alnum: (rng: Rng, length: number) => chars(rng, ALNUM, length),
  twilio: (rng: Rng, prefix: string) => `${prefix}${chars(rng, HEX, 32)}`,
  /** Shaped like Meta's ids: "wamid." + base64 of a protobuf-ish blob carrying the recipient. */
  wamid: (rng: Rng, waId: string) =>
    `wamid.${Buffer.from(`\u0018\u000b${waId}\u0015\u0002\u0000\u0011\u0018\u0012${chars(rng, '0123456789ABCDEF', 18)}\u0000`).toString('base64')}`,
  fbtrace: (rng: Rng) => chars(rng, ALNUM, 11),
  /** Salesforce 18-character record id with the object's key prefix. */
  salesforce: (rng: Rng, keyPrefix: string) => `${keyPrefix}${chars(rng, ALNUM, 15)}`,
};
