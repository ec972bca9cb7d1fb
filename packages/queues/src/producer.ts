import { Queue } from 'bullmq';
import type { Redis } from './connection';
import { RetryableError } from '@switchyard/errors';
import { bullmqTelemetry, jobTelemetryOptions } from '@switchyard/telemetry';
import { jobOptions } from './job-options';
import { queuePrefix } from './queue-prefix';
import { lookupJob, type JobData, type JobName, type QueueName } from './registry';

export interface RawJob {
  queue: string;
  jobName: string;
  jobId: string;
  data: unknown;
  /** The trace the job's consumer span continues (BullMQ telemetry metadata); none while tracing is off. */
  traceparent?: string | null;
}

/** Enqueues registry jobs; payloads are validated against the registry before they reach Redis. */
export class QueueProducer {
  private readonly queues = new Map<string, Queue>();

  constructor(
    private readonly connection: Redis,
    private readonly prefix: string,
  ) {}

  queue(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      // A Queue created while Redis is unreachable fails its start-up for good (its INFO is refused
      // without an offline queue), so only create queues on a ready connection.
      if (this.connection.status !== 'ready') throw new RetryableError(`Redis is not reachable (connection ${this.connection.status})`, 'REDIS_UNAVAILABLE');
      q = new Queue(name, { connection: this.connection, prefix: queuePrefix(this.prefix, name), skipWaitingForReady: true, telemetry: bullmqTelemetry() });
      // Connection errors surface as failed adds, which callers handle; an unheard 'error' would crash.
      q.on('error', () => undefined);
      this.queues.set(name, q);
    }
    return q;
  }

  async enqueue<Q extends QueueName, J extends JobName<Q>>(queue: Q, job: J, data: JobData<Q, J>, jobId: string): Promise<void> {
    await this.enqueueRaw([{ queue, jobName: job, jobId, data }]);
  }

  /** For jobs read back from the outbox: validated at run time, grouped into one addBulk per queue. */
  async enqueueRaw(jobs: RawJob[]): Promise<void> {
    try {
      await this.addGrouped(jobs);
    } catch (err) {
      // Start over with fresh Queue objects once Redis is back; a queue's failed start-up is permanent.
      const stale = [...this.queues.values()];
      this.queues.clear();
      void Promise.allSettled(stale.map((q) => q.close()));
      throw err;
    }
  }

  private async addGrouped(jobs: RawJob[]): Promise<void> {
    const byQueue = new Map<string, RawJob[]>();
    for (const j of jobs) byQueue.set(j.queue, [...(byQueue.get(j.queue) ?? []), j]);
    await Promise.all(
      [...byQueue].map(([queue, list]) =>
        this.queue(queue).addBulk(
          list.map((j) => {
            const def = lookupJob(j.queue, j.jobName);
            return { name: j.jobName, data: def.schema.parse(j.data), opts: { ...jobOptions(def, j.jobId), ...jobTelemetryOptions(j.traceparent) } };
          }),
        ),
      ),
    );
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
