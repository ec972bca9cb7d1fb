/** An access token and how long the provider says it lives. */
export interface IssuedToken {
  token: string;
  expiresInMs?: number;
  /** Salesforce answers with the instance the token belongs to. */
  instanceUrl?: string;
}

export interface TokenCache {
  get(): Promise<IssuedToken>;
  /** Drops the cached token (the provider refused it); the next get() fetches a new one. */
  invalidate(): void;
  /** The token currently held, so error messages can be scrubbed of it. */
  current(): string | undefined;
}

const EARLY_REFRESH_MS = 60_000;
const DEFAULT_LIFETIME_MS = 30 * 60_000;

/**
 * Caches an OAuth client-credentials token until shortly before it expires. Concurrent callers
 * share one in-flight fetch, so a burst of jobs costs one token request.
 */
export function createTokenCache(fetchToken: () => Promise<IssuedToken>, now: () => number = Date.now): TokenCache {
  let held: { issued: IssuedToken; expiresAt: number } | undefined;
  let inFlight: Promise<IssuedToken> | undefined;
  return {
    async get() {
      if (held && now() < held.expiresAt) return held.issued;
      inFlight ??= fetchToken()
        .then((issued) => {
          const lifetime = issued.expiresInMs ?? DEFAULT_LIFETIME_MS;
          held = { issued, expiresAt: now() + Math.max(lifetime - EARLY_REFRESH_MS, lifetime / 2) };
          return issued;
        })
        .finally(() => {
          inFlight = undefined;
        });
      return inFlight;
    },
    invalidate() {
      held = undefined;
    },
    current: () => held?.issued.token,
  };
}
