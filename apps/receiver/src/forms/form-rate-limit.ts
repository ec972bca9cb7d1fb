import type { Redis } from '@switchyard/queues';

export interface RateLimitDecision {
  allowed: boolean;
  /** Seconds until the current window ends. */
  retryAfterSeconds: number;
}

const WINDOW_MS = 60_000;

/**
 * Fixed one-minute window per form and client IP, counted in Redis so the limit holds across
 * receiver replicas. Returns null when Redis does not answer in time: the caller lets the
 * submission through rather than refuse real leads because Redis is down.
 */
export async function takeFormRateLimit(redis: Redis, key: { formId: string; ip: string }, limit: number, now: Date, timeoutMs = 500): Promise<RateLimitDecision | null> {
  const window = Math.floor(now.getTime() / WINDOW_MS);
  const redisKey = `switchyard:forms:rate:${key.formId}:${key.ip}:${window}`;
  const count = redis
    .multi()
    .set(redisKey, '0', 'PX', WINDOW_MS * 2, 'NX')
    .incr(redisKey)
    .exec()
    .then((results) => {
      const [, incr] = results ?? [];
      if (!incr || incr[0]) throw incr?.[0] ?? new Error('no answer to INCR');
      return Number(incr[1]);
    });
  const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), timeoutMs).unref());
  const n = await Promise.race([count, timeout]).catch(() => null);
  if (n === null) return null;
  const retryAfterSeconds = Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - now.getTime()) / 1000));
  return { allowed: n <= limit, retryAfterSeconds };
}
