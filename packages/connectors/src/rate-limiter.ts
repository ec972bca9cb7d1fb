import { createHash, randomUUID } from 'node:crypto';
import { RateLimitedError } from '@switchyard/errors';
import type { Cluster, Redis } from 'ioredis';

export interface AcquireOptions {
  limit: number;
  windowMs: number;
  /** Longest this call may sleep for a slot; beyond it, RateLimitedError carries the wait instead. */
  maxWaitMs?: number;
}

export interface Grant {
  /** Redis server time (ms) the slot was taken at: the clock every replica shares. */
  grantedAt: number;
  waitedMs: number;
}

export interface RateLimiter {
  acquire(key: string, options: AcquireOptions): Promise<Grant>;
}

export interface RateLimiterOptions {
  /** Key prefix. Each limit is one key and the script touches only it, so it is safe on Redis Cluster. */
  prefix: string;
}

export const DEFAULT_MAX_WAIT_MS = 2_000;

/**
 * Sliding-window log, atomic in one script: drop entries older than the window, take a slot if
 * fewer than `limit` remain, otherwise answer how long until the oldest leaves the window. Time is
 * Redis's own (TIME), so replicas with skewed clocks still share one window.
 * Returns {0, now} on success or {wait, now}.
 */
const SCRIPT = `
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
if redis.call('ZCARD', key) < limit then
  redis.call('ZADD', key, now, now .. ':' .. ARGV[3])
  redis.call('PEXPIRE', key, window)
  return {0, now}
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
local wait = tonumber(oldest[2]) + window - now
if wait < 1 then wait = 1 end
return {wait, now}
`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Outbound rate limits that hold across every replica sharing the Redis. */
const SCRIPT_SHA = createHash('sha1').update(SCRIPT).digest('hex');

export function createRateLimiter(redis: Redis | Cluster, options: RateLimiterOptions): RateLimiter {
  async function take(key: string, limit: number, windowMs: number): Promise<[number, number]> {
    const args = [1, key, limit, windowMs, randomUUID()] as const;
    try {
      return (await redis.evalsha(SCRIPT_SHA, ...args)) as [number, number];
    } catch (err) {
      if (!String((err as Error).message).includes('NOSCRIPT')) throw err;
    }
    // EVAL runs (and caches) the script on the node that holds the key. SCRIPT LOAD would not do:
    // on a Redis Cluster it reaches one node, and every other node would keep answering NOSCRIPT.
    return (await redis.eval(SCRIPT, ...args)) as [number, number];
  }

  return {
    async acquire(key, { limit, windowMs, maxWaitMs = DEFAULT_MAX_WAIT_MS }) {
      if (!Number.isInteger(limit) || limit < 1 || !Number.isInteger(windowMs) || windowMs < 1) {
        throw new RangeError(`rate limit for ${key} needs a positive integer limit and windowMs`);
      }
      const redisKey = `${options.prefix}:${key}`;
      const started = Date.now();
      for (;;) {
        const [wait, now] = await take(redisKey, limit, windowMs);
        if (wait === 0) return { grantedAt: now, waitedMs: Date.now() - started };
        const waited = Date.now() - started;
        if (waited + wait > maxWaitMs) {
          throw new RateLimitedError(`outbound rate limit ${key} (${limit} per ${windowMs} ms) is full; next slot in ${wait} ms`, 'OUTBOUND_RATE_LIMIT', wait);
        }
        // A little jitter so replicas woken by the same expiry do not all race for one slot.
        await sleep(wait + Math.floor(Math.random() * 5));
      }
    },
  };
}
