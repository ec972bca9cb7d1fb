/**
 * How a statement run for several callers answers each of them: one answer per key asked, in the
 * order asked, matched by key (a statement's rows come back in no particular order).
 */

/** The row with each key asked, or null (a key asked twice gets the same row twice). */
export function rowsInOrderAsked<R>(keys: string[], rows: R[], keyOf: (row: R) => string): (R | null)[] {
  const byKey = new Map(rows.map((r) => [keyOf(r), r]));
  return keys.map((k) => byKey.get(k) ?? null);
}

/**
 * The row with each key asked, to the first caller that asked for it only; a later caller with the
 * same key gets null. For statements that take something (an intent, a claim) once per row: two
 * callers of one row in one batch must not both believe they hold it.
 */
export function rowsToFirstAsker<R>(keys: string[], rows: R[], keyOf: (row: R) => string): (R | null)[] {
  const byKey = new Map(rows.map((r) => [keyOf(r), r]));
  return keys.map((k) => {
    const row = byKey.get(k) ?? null;
    byKey.delete(k);
    return row;
  });
}
