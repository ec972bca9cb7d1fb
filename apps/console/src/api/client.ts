/** A refused or failed API call: the HTTP status and the server's own `error` code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

// The session's CSRF token, from POST or GET /api/session. Kept in memory only: every write made
// with the session cookie must carry it, and a page of another site cannot read it.
let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

type Method = 'GET' | 'POST' | 'DELETE';

/** One call to the ops API (same origin, session cookie); non-2xx answers throw ApiError. */
export async function api<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'unreachable', 'the console cannot reach the ops server; check that it runs');
  }
  if (res.status === 204) return undefined as T;
  const data: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const err = (data ?? {}) as { error?: unknown; message?: unknown };
    throw new ApiError(res.status, typeof err.error === 'string' ? err.error : 'http_error', typeof err.message === 'string' ? err.message : `the server answered ${res.status} ${res.statusText}`);
  }
  return data as T;
}

/** `path?key=value…`, leaving out empty values. */
export function withQuery(path: string, params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') q.set(key, String(value));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}
