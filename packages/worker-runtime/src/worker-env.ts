import { z } from 'zod';
import { databaseUrl, logLevel, queuePrefix, redisUrl } from '@switchyard/config';

/** What every worker app reads; each app's env.ts extends it with its own variables. */
export const workerEnvSchema = z.object({
  DATABASE_URL: databaseUrl,
  DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(10),
  REDIS_URL: redisUrl,
  QUEUE_PREFIX: queuePrefix,
  LOG_LEVEL: logLevel,
  WORKER_CONCURRENCY: z.coerce.number().int().positive().default(8),
  /** After SIGTERM, active jobs get this long to finish before connections close. */
  SHUTDOWN_DEADLINE_MS: z.coerce.number().int().positive().default(25_000),
});
export type WorkerEnv = z.infer<typeof workerEnvSchema>;
