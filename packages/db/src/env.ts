import { z } from 'zod';
import { databasePoolMode, parseEnv } from '@switchyard/config';

export const dbEnvSchema = z.object({
  DATABASE_URL: z.string().url().default('postgresql://root@127.0.0.1:5432/switchyard'),
  DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(10),
  DATABASE_POOL_MODE: databasePoolMode,
  /** Where migrations run when DATABASE_URL is a transaction-mode pooler: the server itself (default DATABASE_URL). */
  DATABASE_DIRECT_URL: z.string().url().optional(),
});
/** What scripts/wait-for-migrations.ts (the apps' initContainer) reads. */
export const waitForMigrationsEnvSchema = dbEnvSchema.pick({ DATABASE_URL: true }).extend({
  WAIT_FOR_MIGRATIONS_INTERVAL_MS: z.coerce.number().int().positive().default(2000),
  /** 0: wait forever. */
  WAIT_FOR_MIGRATIONS_TIMEOUT_MS: z.coerce.number().int().min(0).default(0),
});
export type DbEnv = z.infer<typeof dbEnvSchema>;

/** The pool mode a caller of createDatabase did not choose: DATABASE_POOL_MODE, else `session`. */
export function defaultPoolMode(source: NodeJS.ProcessEnv = process.env): DbEnv['DATABASE_POOL_MODE'] {
  return databasePoolMode.parse(source.DATABASE_POOL_MODE);
}

export function loadDbEnv(source: NodeJS.ProcessEnv = process.env): DbEnv {
  return parseEnv(dbEnvSchema, source);
}

/** Where migrations run: DATABASE_DIRECT_URL, else DATABASE_URL unless that is a transaction-mode pooler. */
export function migrationUrl(env: DbEnv): string {
  if (env.DATABASE_DIRECT_URL) return env.DATABASE_DIRECT_URL;
  if (env.DATABASE_POOL_MODE === 'transaction') throw new Error('DATABASE_POOL_MODE is transaction (DATABASE_URL is a pooler), so migrations need DATABASE_DIRECT_URL: the Postgres server itself, not the pooler');
  return env.DATABASE_URL;
}
