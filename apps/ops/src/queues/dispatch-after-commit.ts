import { markOutboxDispatched, type Database } from '@switchyard/db';
import { jobOptions, lookupJob, type QueueName } from '@switchyard/queues';
import { currentTraceparent, jobTelemetryOptions } from '@switchyard/telemetry';
import type { OpsQueues } from './ops-queues';

/** A job written to the outbox by a committed transaction, to add to its queue now. */
export interface CommittedJob {
  queueName: QueueName;
  jobName: string;
  jobId: string;
  data: Record<string, unknown>;
  entryId: string;
}

/**
 * Adds the job right after the commit that wrote its outbox entry. If Redis refuses now, the entry
 * stays undispatched and a worker's outbox relay adds it later; the job id is fixed, so the two
 * never make two jobs. Never called inside the transaction: the job could run before the commit.
 */
export async function dispatchAfterCommit(db: Database, queues: OpsQueues, job: CommittedJob): Promise<void> {
  // The person's request is the new job's trace (as its outbox entry records it, addEffectResendToOutbox).
  const traceparent = currentTraceparent();
  await queues
    .get(job.queueName)
    .add(job.jobName, traceparent ? { ...job.data, traceparent } : job.data, { ...jobOptions(lookupJob(job.queueName, job.jobName), job.jobId), ...jobTelemetryOptions(traceparent) })
    .then(() => markOutboxDispatched(db, [job.entryId]))
    .catch(() => undefined);
}
