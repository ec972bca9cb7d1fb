export type Headers = Record<string, unknown>;

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name] ?? headers[name.toLowerCase()];
  if (Array.isArray(value)) return value[0] === undefined ? undefined : String(value[0]);
  return value === undefined || value === null ? undefined : String(value).trim();
}

/** `Retry-After` as delta seconds or an HTTP date, in ms from `now`; undefined when absent or unreadable. */
export function retryAfterMs(headers: Headers, now: number): number | undefined {
  const value = header(headers, 'retry-after');
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * `X-RateLimit-Reset` / `RateLimit-Reset`: usually seconds until the window resets (Pipedrive, the
 * IETF draft), sometimes an epoch time (GitHub style); a value too large to be a delta is read as one.
 */
export function rateLimitResetMs(headers: Headers, now: number): number | undefined {
  const value = header(headers, 'x-ratelimit-reset') ?? header(headers, 'ratelimit-reset');
  if (!value || !/^\d+(\.\d+)?$/.test(value)) return undefined;
  const n = Number(value);
  if (n > 1e12) return Math.max(0, n - now);
  if (n > 1e9) return Math.max(0, n * 1000 - now);
  return Math.round(n * 1000);
}

/** The wait the provider asked for, in the order the headers are authoritative. */
export function providerWaitMs(headers: Headers, now: number): number | undefined {
  return retryAfterMs(headers, now) ?? rateLimitResetMs(headers, now);
}

/** HubSpot's rolling-window length (`X-HubSpot-RateLimit-Interval-Milliseconds`). */
export function hubspotIntervalMs(headers: Headers): number | undefined {
  const value = header(headers, 'x-hubspot-ratelimit-interval-milliseconds');
  return value && /^\d+$/.test(value) ? Number(value) : undefined;
}

export function msUntilNextUtcMidnight(now: number): number {
  const next = new Date(now);
  next.setUTCHours(24, 0, 0, 0);
  return next.getTime() - now;
}

export function headerValue(headers: Headers, name: string): string | undefined {
  return header(headers, name);
}
