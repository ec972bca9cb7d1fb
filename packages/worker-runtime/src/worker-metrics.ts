import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import type { QueueName } from '@switchyard/queues';
import { deadLetterDepthGauge } from './dead-letter-depth';
import { queueBacklog, type QueueBacklog } from './queue-backlog';
import { retentionRowsCounter } from './retention-runner';

export interface WorkerMetrics {
  /** What `/metrics` serves. */
  registry: Registry;
  completed: Counter<'queue' | 'job'>;
  failed: Counter<'queue' | 'job'>;
  stalled: Counter<'queue'>;
  /** The queue's backlog, also what `GET /backlog` answers. */
  backlog: QueueBacklog;
  close(): Promise<void>;
}

/**
 * Every metric a worker app exports, in one registry: the process defaults, job counters, the
 * dead-letter depth and the queue's backlog (both read from Redis at each scrape) and retention's
 * row counter. One place, so the
 * Prometheus rules and Grafana dashboard under docker/ are checked against the names served.
 */
export function createWorkerMetrics(opts: { queue: QueueName; redisUrl: string; prefix: string }): WorkerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const completed = new Counter({ name: 'switchyard_jobs_completed_total', help: 'Jobs completed', labelNames: ['queue', 'job'], registers: [registry] });
  const failed = new Counter({ name: 'switchyard_jobs_failed_total', help: 'Job attempts that failed', labelNames: ['queue', 'job'], registers: [registry] });
  const stalled = new Counter({ name: 'switchyard_jobs_stalled_total', help: 'Jobs this replica found stalled (their worker died or was starved past its lock) and put back to run again', labelNames: ['queue'], registers: [registry] });
  const deadLetterDepth = deadLetterDepthGauge({ queue: opts.queue, redisUrl: opts.redisUrl, prefix: opts.prefix, metrics: registry });
  const backlog = queueBacklog({ queue: opts.queue, redisUrl: opts.redisUrl, prefix: opts.prefix, metrics: registry });
  retentionRowsCounter(registry);
  return {
    registry,
    completed,
    failed,
    stalled,
    backlog,
    close: async () => {
      await Promise.all([deadLetterDepth.close(), backlog.close()]);
    },
  };
}
