import type { Redis } from '@switchyard/queues';
import { AuthThrottle } from './auth-throttle';

/** A Redis that counts INCRs but never answers a read: what a check sees when Redis is too slow. */
function slowReadRedis(): Redis {
  const counts = new Map<string, number>();
  const fake = {
    mget: () => new Promise<never>(() => undefined),
    multi() {
      const replies: [null, number][] = [];
      const chain = {
        incr(key: string) {
          counts.set(key, (counts.get(key) ?? 0) + 1);
          replies.push([null, counts.get(key) ?? 0]);
          return chain;
        },
        pexpire() {
          replies.push([null, 1]);
          return chain;
        },
        exec: () => Promise.resolve(replies),
      };
      return chain;
    },
  };
  return fake as unknown as Redis;
}

describe('AuthThrottle', () => {
  it('keeps refusing when Redis answered the failures but is too slow to answer the check', async () => {
    const throttle = new AuthThrottle({ redis: slowReadRedis(), prefix: '{t}', maxFailures: 3, windowMs: 60_000, redisTimeoutMs: 5 });
    const now = new Date('2026-12-02T10:00:10Z');
    const attempt = { client: '203.0.113.1', user: 'alice' };
    for (let i = 0; i < 3; i += 1) await throttle.recordFailure(attempt, now);
    expect(await throttle.check(attempt, now)).toEqual({ blocked: true, scope: 'client', retryAfterSeconds: 50 });
    expect(await throttle.check({ client: '203.0.113.2', user: 'alice' }, now)).toMatchObject({ blocked: true, scope: 'user' });
    expect(await throttle.check({ client: '203.0.113.2', user: 'bob' }, now)).toEqual({ blocked: false });
    // The next window starts clean.
    expect(await throttle.check(attempt, new Date('2026-12-02T10:01:00Z'))).toEqual({ blocked: false });
  });
});
