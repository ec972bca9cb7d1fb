import { z } from 'zod';

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

export const redisUrl = z.string().url().default('redis://127.0.0.1:6379');
export const databaseUrl = z.string().url().default('postgresql://root@127.0.0.1:5432/switchyard');
export const logLevel = z.enum(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly']).default('info');
/** Hash-tagged so every key of a queue lands in one slot on Redis Cluster. */
export const queuePrefix = z.string().default('{switchyard}');
