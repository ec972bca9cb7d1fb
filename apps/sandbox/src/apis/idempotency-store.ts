import { createHash } from 'node:crypto';

export interface StoredResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

interface Entry {
  fingerprint: string;
  response: StoredResponse;
  storedAt: number;
}

export type IdempotencyLookup =
  | { kind: 'miss' }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'mismatch' };

/** Stable JSON (sorted keys) so `{a,b}` and `{b,a}` are the same parameters. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function fingerprint(parts: unknown): string {
  return createHash('sha256').update(canonical(parts)).digest('hex');
}

/**
 * Idempotency keys as payment providers keep them: the first result for a key is stored and
 * replayed for the same parameters; other parameters under the same key are refused.
 */
export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly ttlMs: number, private readonly now: () => number) {}

  lookup(key: string, params: unknown): IdempotencyLookup {
    const entry = this.entries.get(key);
    if (!entry || this.now() - entry.storedAt > this.ttlMs) return { kind: 'miss' };
    return entry.fingerprint === fingerprint(params) ? { kind: 'replay', response: entry.response } : { kind: 'mismatch' };
  }

  store(key: string, params: unknown, response: StoredResponse): void {
    this.entries.set(key, { fingerprint: fingerprint(params), response, storedAt: this.now() });
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  clear(): void {
    this.entries.clear();
  }
}
