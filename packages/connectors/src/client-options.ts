import type { OutboundLimit } from './provider-http';
import type { RateLimiter } from './rate-limiter';

/** What every client accepts besides its provider config. */
export interface ClientOptions {
  /** Shared limiter; without it the client does not limit itself. */
  limiter?: RateLimiter;
  /** Limiter key for this provider connection (each client has a default, e.g. `hubspot:default`). */
  limitKey?: string;
  limit?: number;
  windowMs?: number;
  maxWaitMs?: number;
  timeoutMs?: number;
}

export interface LimitDefaults {
  key: string;
  limit?: number;
  windowMs?: number;
}

/** The OutboundLimit a client passes to createProviderHttp, from the caller's options over the provider's documented defaults. */
export function outboundLimit(options: ClientOptions, defaults: LimitDefaults): OutboundLimit | undefined {
  if (!options.limiter) return undefined;
  const limit = options.limit ?? defaults.limit;
  const windowMs = options.windowMs ?? defaults.windowMs;
  const key = options.limitKey ?? defaults.key;
  if (limit === undefined || windowMs === undefined) throw new TypeError(`a limiter for ${key} needs limit and windowMs (this provider documents no default)`);
  return { limiter: options.limiter, key, limit, windowMs, ...(options.maxWaitMs !== undefined ? { maxWaitMs: options.maxWaitMs } : {}) };
}
