import { pathMatches } from '../support/glob';

export interface RecordedRequest {
  id: number;
  time: string;
  provider: string;
  method: string;
  path: string;
  query: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  /** null while unanswered, or when the connection was reset or left hanging. */
  status: number | null;
  fault?: string;
  durationMs?: number;
}

export interface RequestFilter {
  provider?: string;
  path?: string;
}

const REDACTED = new Set(['authorization', 'cookie', 'x-api-token']);

export function redactHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | string[] | undefined> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, REDACTED.has(k.toLowerCase()) ? '[redacted]' : v]));
}

/** Everything the emulated APIs received, newest last; bounded so a long run cannot exhaust memory. */
export class RequestLog {
  private entries: RecordedRequest[] = [];
  private nextId = 1;

  constructor(private readonly capacity = 10_000) {}

  add(entry: Omit<RecordedRequest, 'id'>): RecordedRequest {
    const recorded = { id: this.nextId++, ...entry };
    this.entries.push(recorded);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    return recorded;
  }

  list(filter: RequestFilter = {}): RecordedRequest[] {
    return this.entries.filter(
      (e) => (!filter.provider || e.provider === filter.provider) && (!filter.path || pathMatches(filter.path, e.path)),
    );
  }

  clear(): void {
    this.entries = [];
  }
}
