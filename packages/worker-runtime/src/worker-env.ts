import { z } from 'zod';
import { databasePoolMode, databaseUrl, logLevel, queuePrefix, redisUrl } from '@switchyard/config';

/** What every worker app reads; each app's env.ts extends it with its own variables. */
export const workerEnvSchema = z.object({
  DATABASE_URL: databaseUrl,
  DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(10),
  /** `transaction` behind a transaction-mode pooler (PgBouncer): statements are sent unnamed. */
  DATABASE_POOL_MODE: databasePoolMode,
  REDIS_URL: redisUrl,
  QUEUE_PREFIX: queuePrefix,
  LOG_LEVEL: logLevel,
  /**
   * Jobs in flight per replica. Most of a job's time is spent waiting (on a provider, on Postgres),
   * and the effect ledger shares its statements among the jobs in flight (createEffectLedger): at
   * 32, the pipeline bench's sends took 0.77 statements each instead of 5.
   */
  WORKER_CONCURRENCY: z.coerce.number().int().positive().default(32),
  /** After SIGTERM, active jobs get this long to finish before connections close. */
  SHUTDOWN_DEADLINE_MS: z.coerce.number().int().positive().default(25_000),
  /** A crashed worker's jobs run again elsewhere after about this long. */
  WORKER_LOCK_MS: z.coerce.number().int().min(1000).default(30_000),
  /** A job whose worker died more often than this counts as failed (then retries per policy). */
  WORKER_MAX_STALLED: z.coerce.number().int().min(1).default(5),
  /** A message send whose outcome stays unknown this long is parked for a person, never resent blindly. */
  EFFECT_PARK_AFTER_MS: z.coerce.number().int().positive().default(120_000),
  /** How often this worker's outbox relay looks for follow-up work written by other processes. */
  OUTBOX_POLL_INTERVAL_MS: z.coerce.number().int().positive().default(1000),
  /** Where /healthz and /metrics listen; loopback unless a scraper elsewhere needs them (they have no authentication). */
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /** The business configuration file (YAML); without it the workflows use their defaults. */
  SWITCHYARD_CONFIG: z.string().optional(),
});
export type WorkerEnv = z.infer<typeof workerEnvSchema>;
