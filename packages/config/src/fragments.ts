import { z } from 'zod';
import { parseRedisUrl } from './redis-url';

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

/** One Redis (`redis://`, `rediss://`) or a Redis Cluster (`redis+cluster://host:port,host:port`). */
export const redisUrl = z
  .string()
  .superRefine((value, ctx) => {
    try {
      parseRedisUrl(value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  })
  .default('redis://127.0.0.1:6379');
export const databaseUrl = z.string().url().default('postgresql://root@127.0.0.1:5432/switchyard');
/**
 * How the database is reached: `session` (directly, or a pooler in session mode) or `transaction`
 * (a pooler such as PgBouncer in transaction mode, where consecutive statements of one client may
 * run on different server connections, so nothing may outlive a transaction: no named prepared
 * statements, session settings, session advisory locks or LISTEN).
 */
export const databasePoolMode = z.enum(['session', 'transaction'], { error: 'DATABASE_POOL_MODE must be session or transaction' }).default('session');
export const logLevel = z.enum(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly']).default('info');
/**
 * The base of every Redis key. Each queue adds a hash tag of its own to it (queuePrefix in
 * @switchyard/queues), so queues spread over a Redis Cluster's nodes; a base that holds a hash tag
 * itself (`{switchyard}`, the layout before per-queue tags) keeps every queue in that one slot.
 */
export const queuePrefix = z.string().default('switchyard');
