import axios, { isAxiosError, type AxiosInstance, type InternalAxiosRequestConfig } from 'axios';
import { classifyProviderError } from './classify-provider-error';
import type { Provider } from './providers';
import type { RateLimiter } from './rate-limiter';
import type { TokenCache } from './token-cache';

export type ProviderAuth =
  | { type: 'bearer'; token: string }
  | { type: 'basic'; username: string; password: string }
  | { type: 'header'; name: string; value: string }
  /** OAuth client credentials: the token is fetched, cached, and fetched again once after a 401. */
  | { type: 'oauth'; tokens: TokenCache };

/** A limit shared by every replica, taken before each request. */
export interface OutboundLimit {
  limiter: RateLimiter;
  key: string;
  limit: number;
  windowMs: number;
  maxWaitMs?: number;
}

export interface ProviderHttpOptions {
  provider: Provider;
  baseURL?: string;
  timeoutMs?: number;
  headers?: Record<string, string>;
  auth?: ProviderAuth;
  rateLimit?: OutboundLimit;
  /** Further values that must never appear in an error message (auth values are added automatically). */
  secrets?: readonly string[];
}

export const DEFAULT_TIMEOUT_MS = 10_000;

type RetriableConfig = InternalAxiosRequestConfig & { switchyardAuthRetried?: boolean };

function staticSecrets(auth: ProviderAuth | undefined): string[] {
  switch (auth?.type) {
    case 'bearer':
      return [auth.token];
    case 'basic':
      return [auth.password, Buffer.from(`${auth.username}:${auth.password}`).toString('base64')];
    case 'header':
      return [auth.value];
    default:
      return [];
  }
}

/**
 * The axios instance every client is built on: a timeout, no redirects (a redirect could carry
 * credentials elsewhere), the shared rate limit, and every failure classified by
 * classifyProviderError, so callers only ever see AppErrors.
 */
export function createProviderHttp(options: ProviderHttpOptions): AxiosInstance {
  const { provider, auth, rateLimit } = options;
  const http = axios.create({
    baseURL: options.baseURL,
    timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxRedirects: 0,
    // Provider answers are small; a runaway body must not exhaust a worker's memory.
    maxContentLength: 10 * 1024 * 1024,
    headers: {
      'user-agent': 'switchyard-connectors',
      ...(auth?.type === 'bearer' ? { authorization: `Bearer ${auth.token}` } : {}),
      ...(auth?.type === 'header' ? { [auth.name]: auth.value } : {}),
      ...options.headers,
    },
    ...(auth?.type === 'basic' ? { auth: { username: auth.username, password: auth.password } } : {}),
  });
  const secrets = [...staticSecrets(auth), ...(options.secrets ?? [])];

  http.interceptors.request.use(async (config) => {
    if (rateLimit) {
      await rateLimit.limiter.acquire(rateLimit.key, { limit: rateLimit.limit, windowMs: rateLimit.windowMs, ...(rateLimit.maxWaitMs !== undefined ? { maxWaitMs: rateLimit.maxWaitMs } : {}) });
    }
    if (auth?.type === 'oauth') config.headers.set('authorization', `Bearer ${(await auth.tokens.get()).token}`);
    return config;
  });

  http.interceptors.response.use(undefined, async (err: unknown) => {
    if (auth?.type === 'oauth' && isAxiosError(err) && err.response?.status === 401 && err.config) {
      const config = err.config as RetriableConfig;
      if (!config.switchyardAuthRetried) {
        auth.tokens.invalidate();
        config.switchyardAuthRetried = true;
        return http.request(config);
      }
    }
    const current = auth?.type === 'oauth' ? auth.tokens.current() : undefined;
    throw classifyProviderError(provider, err, { secrets: current ? [...secrets, current] : secrets });
  });

  return http;
}
