/**
 * The value, or a thrown error naming what was missing: for a test that reads the first row of a
 * query or an element it has just checked for. Fails at the line that assumed it, with a message,
 * where a non-null assertion (`rows[0]!.n`) would fail later with "cannot read properties of undefined".
 */
export function must<T>(value: T | null | undefined, what = 'a value'): T {
  if (value === null || value === undefined) throw new Error(`expected ${what}, got ${String(value)}`);
  return value;
}
