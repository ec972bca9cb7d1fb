import type { Redis } from 'ioredis';

/** Removes every key starting with `match` (a bench's own queue prefix), without blocking Redis. */
export async function deletePrefix(redis: Redis, match: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${match}*`, 'COUNT', 1000);
    cursor = next;
    if (batch.length) await redis.unlink(...batch);
  } while (cursor !== '0');
}
