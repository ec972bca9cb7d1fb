import { z } from 'zod';
import { parseEnv } from '@switchyard/config';

export const dbEnvSchema = z.object({
  DATABASE_URL: z.string().url().default('postgresql://root@127.0.0.1:5432/switchyard'),
  DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(10),
});
/** What scripts/wait-for-migrations.ts (the apps' initContainer) reads. */
export const waitForMigrationsEnvSchema = dbEnvSchema.pick({ DATABASE_URL: true }).extend({
  WAIT_FOR_MIGRATIONS_INTERVAL_MS: z.coerce.number().int().positive().default(2000),
  /** 0: wait forever. */
  WAIT_FOR_MIGRATIONS_TIMEOUT_MS: z.coerce.number().int().min(0).default(0),
});
export type DbEnv = z.infer<typeof dbEnvSchema>;

export function loadDbEnv(source: NodeJS.ProcessEnv = process.env): DbEnv {
  return parseEnv(dbEnvSchema, source);
}
