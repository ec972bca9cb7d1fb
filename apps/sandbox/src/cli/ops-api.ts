import { networkErrorReason } from '../webhooks/network-error';

/** A failure to read the ops API, worded for the person at the terminal. */
export class OpsApiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OpsApiError';
  }
}

/** Generous: the ops app's first queries after start-up open its database connections. */
const TIMEOUT_MS = 15_000;

export interface OpsApi {
  readonly url: string;
  get<T>(path: string, query?: Record<string, string>): Promise<T>;
}

/** GETs from the ops API with the ops token as a bearer; errors name the URL and never the token. */
export function opsApi(url: string, token: string | undefined, doFetch: typeof fetch = fetch): OpsApi {
  return {
    url,
    async get<T>(path: string, query: Record<string, string> = {}): Promise<T> {
      if (!token) throw new OpsApiError('OPS_TOKEN is not set: put it in .env (the quick start uses the one in .env.example)');
      const target = new URL(path, url);
      for (const [key, value] of Object.entries(query)) target.searchParams.set(key, value);
      let response: Response;
      try {
        response = await doFetch(target, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(TIMEOUT_MS) });
      } catch (error) {
        throw new OpsApiError(`ops API unreachable at ${url} (${networkErrorReason(error)}); start the fleet (bash scripts/start.sh) or set OPS_URL`);
      }
      const body = (await response.json().catch(() => null)) as { message?: string } | null;
      if (response.status === 401) throw new OpsApiError(`the ops API at ${url} refused OPS_TOKEN (401): use the token the ops console runs with`);
      if (!response.ok) throw new OpsApiError(`ops API ${target.pathname} answered ${response.status}: ${body?.message ?? 'no message'}`);
      return body as T;
    },
  };
}
