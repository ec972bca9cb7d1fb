import { createHash } from 'node:crypto';
import type { Redis } from '@switchyard/queues';

export interface AuthThrottleOptions {
  redis: Redis;
  /** Key prefix (QUEUE_PREFIX): replicas of one deployment share counters, other deployments do not. */
  prefix: string;
  /** Failed attempts allowed per client address, and per user name, in one window. */
  maxFailures: number;
  windowMs?: number;
  /** How long to wait for Redis before counting in this process instead. */
  redisTimeoutMs?: number;
}

/** Who is trying: the client address, and the user name when one was asserted (HTTP Basic). */
export interface Attempt {
  client: string;
  user?: string;
}

export type ThrottleDecision = { blocked: false } | { blocked: true; scope: 'client' | 'user'; retryAfterSeconds: number };

/**
 * Counts failed sign-ins per client address and per user name in fixed windows. Counters live in
 * Redis so several ops replicas share them (an attacker spreading guesses over replicas gains
 * nothing); when Redis does not answer in time they live in this process, so the throttle still
 * holds, per replica, while Redis is away. User names are hashed: the key says nothing about them.
 */
export class AuthThrottle {
  private readonly windowMs: number;
  private readonly redisTimeoutMs: number;
  private readonly local = new Map<string, number>();
  /** The counts Redis last answered this replica, so a check that times out still sees them. */
  private readonly seen = new Map<string, number>();

  constructor(private readonly opts: AuthThrottleOptions) {
    this.windowMs = opts.windowMs ?? 60_000;
    this.redisTimeoutMs = opts.redisTimeoutMs ?? 300;
  }

  /** Whether this attempt may be checked at all: a throttled client or user is refused even with the right secret. */
  async check(attempt: Attempt, now: Date): Promise<ThrottleDecision> {
    const window = this.windowOf(now);
    const keys = this.keysOf(attempt, window);
    const shared = await this.withRedis(
      async (redis) => (await redis.mget(...keys.map((k) => k.key))).map((v) => Number(v ?? 0)),
      () => [],
    );
    // Each failure is counted in Redis or, when Redis did not answer, here: those still count once Redis is back.
    // A check Redis is too slow to answer falls back on the last counts it gave: slowness must not reopen the door.
    const over = keys.find((k, i) => Math.max(shared[i] ?? 0, this.seen.get(k.key) ?? 0) + (this.local.get(k.key) ?? 0) >= this.opts.maxFailures);
    if (!over) return { blocked: false };
    return { blocked: true, scope: over.scope, retryAfterSeconds: Math.max(1, Math.ceil(((window + 1) * this.windowMs - now.getTime()) / 1000)) };
  }

  async recordFailure(attempt: Attempt, now: Date): Promise<void> {
    const keys = this.keysOf(attempt, this.windowOf(now)).map((k) => k.key);
    await this.withRedis(
      async (redis) => {
        const multi = redis.multi();
        for (const key of keys) multi.incr(key).pexpire(key, this.windowMs * 2);
        const replies = (await multi.exec()) ?? [];
        this.forgetOldWindows(now);
        // Replies alternate INCR, PEXPIRE: the INCR of key i is reply 2i.
        keys.forEach((key, i) => {
          const count = Number(replies[2 * i]?.[1]);
          if (Number.isFinite(count)) this.seen.set(key, Math.max(count, this.seen.get(key) ?? 0));
        });
      },
      () => {
        this.forgetOldWindows(now);
        for (const key of keys) this.local.set(key, (this.local.get(key) ?? 0) + 1);
      },
    );
  }

  private windowOf(now: Date): number {
    return Math.floor(now.getTime() / this.windowMs);
  }

  private keysOf(attempt: Attempt, window: number): { scope: 'client' | 'user'; key: string }[] {
    // One hash tag for both keys: they are counted in one MULTI, which Redis Cluster allows only within one slot.
    const base = `${this.opts.prefix}:ops:{auth-failures}`;
    const keys: { scope: 'client' | 'user'; key: string }[] = [{ scope: 'client', key: `${base}:client:${attempt.client}:${window}` }];
    if (attempt.user !== undefined) keys.push({ scope: 'user', key: `${base}:user:${createHash('sha256').update(attempt.user).digest('hex').slice(0, 32)}:${window}` });
    return keys;
  }

  private forgetOldWindows(now: Date): void {
    const current = this.windowOf(now);
    for (const map of [this.local, this.seen]) for (const key of map.keys()) if (Number(key.slice(key.lastIndexOf(':') + 1)) < current) map.delete(key);
  }

  private async withRedis<T>(viaRedis: (redis: Redis) => Promise<T>, inProcess: () => T): Promise<T> {
    const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), this.redisTimeoutMs).unref());
    const answer = await Promise.race([viaRedis(this.opts.redis).then((v) => ({ v })), timeout]).catch(() => null);
    return answer ? answer.v : inProcess();
  }
}
