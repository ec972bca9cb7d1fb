import type { JobsOptions } from 'bullmq';
import type { JobDefinition } from './define';

/**
 * Completed jobs are trimmed quickly so Redis memory does not grow with processed events (the
 * event store in Postgres is the record); failed ones stay a week for inspection in Bull Board.
 */
export function jobOptions(def: JobDefinition, jobId: string): JobsOptions {
  return {
    jobId,
    attempts: def.retry.attempts,
    backoff: { type: 'exponential', delay: def.retry.backoffMs, jitter: def.retry.jitter },
    removeOnComplete: { age: 3600, count: 1000 },
    removeOnFail: { age: 7 * 24 * 3600, count: 50_000 },
  };
}
