import { z } from 'zod';

/** A comma-separated list of secrets: the first signs, any verifies, so secrets rotate with no downtime. */
export const secretList = z
  .string()
  .transform((raw) => raw.split(',').map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(z.string()).min(1, 'needs at least one secret'));

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

export const redisUrl = z.string().url().default('redis://127.0.0.1:6379');
export const databaseUrl = z.string().url().default('postgresql://root@127.0.0.1:5432/switchyard');
export const logLevel = z.enum(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly']).default('info');
export const booleanFlag = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');
