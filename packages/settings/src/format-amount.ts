/** Currencies whose minor unit is the major unit (no decimals), as Stripe lists them. */
const zeroDecimalCurrencies = new Set(['BIF', 'CLP', 'DJF', 'GNF', 'JPY', 'KMF', 'KRW', 'MGA', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF']);

/** Minor units to a display amount: `formatAmount(1250, 'usd')` → `12.50 USD`, `formatAmount(500, 'jpy')` → `500 JPY`. */
export function formatAmount(minorUnits: number, currency: string): string {
  if (!Number.isSafeInteger(minorUnits)) throw new RangeError(`amount must be an integer number of minor units, got ${minorUnits}`);
  const code = currency.toUpperCase();
  if (zeroDecimalCurrencies.has(code)) return `${minorUnits} ${code}`;
  // Integer arithmetic: floating point would print 0.1 + 0.2 style artefacts.
  const sign = minorUnits < 0 ? '-' : '';
  const abs = Math.abs(minorUnits);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')} ${code}`;
}
