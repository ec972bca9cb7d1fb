import { z } from 'zod';

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

export const redisUrl = z.string().url().default('redis://127.0.0.1:6379');
export const databaseUrl = z.string().url().default('postgresql://root@127.0.0.1:5432/switchyard');
/**
 * How the database is reached: `session` (directly, or a pooler in session mode) or `transaction`
 * (a pooler such as PgBouncer in transaction mode, where consecutive statements of one client may
 * run on different server connections, so nothing may outlive a transaction: no named prepared
 * statements, session settings, session advisory locks or LISTEN).
 */
export const databasePoolMode = z.enum(['session', 'transaction'], { error: 'DATABASE_POOL_MODE must be session or transaction' }).default('session');
export const logLevel = z.enum(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly']).default('info');
/** Hash-tagged so every key of a queue lands in one slot on Redis Cluster. */
export const queuePrefix = z.string().default('{switchyard}');
