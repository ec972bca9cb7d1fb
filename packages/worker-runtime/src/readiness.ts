import type { Pool } from '@switchyard/db';
import type { Redis } from '@switchyard/queues';

export interface Readiness {
  ready: boolean;
  /** `ok`, or `down: <why>`. */
  postgres: string;
  redis: string;
}

function probe(p: Promise<unknown>, ms: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)));
  return Promise.race([p, late]).then(
    () => 'ok',
    (e: Error) => `down: ${e.message}`,
  ).finally(() => clearTimeout(timer));
}

/**
 * Whether this process can do its work now: Postgres and Redis both answer. Asked on every probe,
 * so it turns false while either is away and true again as soon as both answer (the pool and
 * ioredis reconnect on their own). `redis` should be a fail-fast connection, not a blocking one.
 */
export async function readiness(pool: Pool, redis: Redis, timeoutMs = 2000): Promise<Readiness> {
  const [postgres, redisState] = await Promise.all([probe(pool.query('SELECT 1'), timeoutMs), probe(redis.ping(), timeoutMs)]);
  return { ready: postgres === 'ok' && redisState === 'ok', postgres, redis: redisState };
}
