import axios, { isAxiosError, type AxiosInstance, type AxiosRequestConfig, type InternalAxiosRequestConfig } from 'axios';
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

/**
 * A request whose outbound permit the caller took beforehand (`takePermit`): the interceptor does
 * not take another. Intent sends take theirs before committing the intent, so the wait for a
 * shared limit never falls between "intent recorded" and "request sent".
 */
export interface PermitTakenConfig {
  switchyardPermitTaken?: boolean;
}

/** `config` for a request whose permit the caller took beforehand when `taken` is true. */
export function permitConfig(taken: boolean | undefined, config: AxiosRequestConfig = {}): AxiosRequestConfig {
  return taken ? ({ ...config, switchyardPermitTaken: true } as AxiosRequestConfig) : config;
}

/** The axios instance of a provider client, plus its shared outbound limit as a separate step. */
export interface ProviderHttp extends AxiosInstance {
  /** Takes one permit of the connection's outbound limit (waits for it); no-op without a limit. */
  takePermit(): Promise<void>;
}

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
export function createProviderHttp(options: ProviderHttpOptions): ProviderHttp {
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

  const takePermit = async (): Promise<void> => {
    if (!rateLimit) return;
    await rateLimit.limiter.acquire(rateLimit.key, { limit: rateLimit.limit, windowMs: rateLimit.windowMs, ...(rateLimit.maxWaitMs !== undefined ? { maxWaitMs: rateLimit.maxWaitMs } : {}) });
  };

  http.interceptors.request.use(async (config) => {
    if (!(config as PermitTakenConfig).switchyardPermitTaken) await takePermit();
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

  return Object.assign(http, { takePermit });
}
