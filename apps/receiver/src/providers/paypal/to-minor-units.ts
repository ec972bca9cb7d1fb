/** ISO 4217 currencies whose minor unit is not 1/100; every other currency has two decimals. */
const EXPONENT: Record<string, number> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
};

export function currencyExponent(currency: string): number {
  return EXPONENT[currency.toUpperCase()] ?? 2;
}

/**
 * `"10.99"` USD → 1099, `"1500"` JPY → 1500, by string arithmetic: floating point would turn
 * 0.29 * 100 into 28.999…. More decimals than the currency has are refused unless they are zeros.
 */
export function toMinorUnits(value: string, currency: string): number {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!m?.[1]) throw new Error(`amount "${value}" is not a non-negative decimal`);
  const exponent = currencyExponent(currency);
  const fraction = m[2] ?? '';
  if (/[1-9]/.test(fraction.slice(exponent))) throw new Error(`amount "${value}" has more decimals than ${currency.toUpperCase()} allows (${exponent})`);
  const minor = BigInt(m[1] + fraction.slice(0, exponent).padEnd(exponent, '0'));
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`amount "${value}" is too large`);
  return Number(minor);
}
