const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `250`, `250ms`, `10s`, `10m`, `2h`, `3d` into milliseconds. */
export function parseDuration(value: string | number): number {
  if (typeof value === 'number') return value;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(value);
  if (!match) throw new Error(`invalid duration "${value}" (use e.g. 500ms, 10s, 10m, 2h)`);
  return Number(match[1]) * (UNITS[match[2] ?? 'ms'] ?? 1);
}
