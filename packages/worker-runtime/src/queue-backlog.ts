import { Gauge, type Registry } from 'prom-client';
import { Queue, createRedis, queuePrefix, type QueueName, type Redis } from '@switchyard/queues';

/** What `GET /backlog` answers: the jobs waiting for a worker of this queue, by state. */
export interface Backlog {
  queue: QueueName;
  /** waiting + delayed + prioritized: what an autoscaler sizes the replicas on. */
  backlog: number;
  waiting: number;
  delayed: number;
  prioritized: number;
}

export interface QueueBacklogOptions {
  queue: QueueName;
  redisUrl: string;
  prefix: string;
  metrics: Registry;
  /** How long a read waits for Redis before giving up (the endpoint answers 503, the gauge -1). */
  timeoutMs?: number;
}

export interface QueueBacklog {
  /** Rejects when Redis does not answer within the timeout. */
  read(): Promise<Backlog>;
  close(): Promise<void>;
}

/**
 * The BullMQ handle the backlog is counted on. Every queue this file opens goes through here, so a
 * change of key layout (a hash tag per queue on Redis Cluster) is made in one place.
 */
export function openBacklogQueue(name: QueueName, connection: Redis, prefix: string): Queue {
  const queue = new Queue(name, { connection, prefix: queuePrefix(prefix, name) });
  // Failures surface on the reads; an unheard 'error' would end the process.
  queue.on('error', () => undefined);
  return queue;
}

/**
 * The queue's backlog for autoscaling (KEDA's metrics-api trigger reads `GET /backlog`) and as
 * `switchyard_queue_backlog{queue}`. A delayed job (a retry backing off, a rate-limited send) and a
 * prioritized one are as much work waiting as a job in the wait list, so all three count; active
 * jobs do not (they already have a worker). Like the dead-letter gauge, it reads on a connection of
 * its own with the offline queue on, so a read while Redis is away waits for the timeout instead of
 * breaking the handle for good.
 */
export function queueBacklog(opts: QueueBacklogOptions): QueueBacklog {
  const connection = createRedis(opts.redisUrl, 'worker');
  connection.on('error', () => undefined);
  const queue = openBacklogQueue(opts.queue, connection, opts.prefix);
  const timeoutMs = opts.timeoutMs ?? 2000;

  const read = async (): Promise<Backlog> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const counts = await Promise.race([queue.getJobCounts('waiting', 'delayed', 'prioritized'), timeout]);
      const waiting = counts.waiting ?? 0;
      const delayed = counts.delayed ?? 0;
      const prioritized = counts.prioritized ?? 0;
      return { queue: opts.queue, backlog: waiting + delayed + prioritized, waiting, delayed, prioritized };
    } finally {
      clearTimeout(timer);
    }
  };

  new Gauge({
    name: 'switchyard_queue_backlog',
    help: 'Jobs waiting for a worker: waiting + delayed + prioritized (-1: Redis did not answer)',
    labelNames: ['queue'],
    registers: [opts.metrics],
    async collect() {
      this.set({ queue: opts.queue }, await read().then((b) => b.backlog, () => -1));
    },
  });

  return {
    read,
    async close() {
      await queue.close().catch(() => undefined);
      connection.disconnect();
    },
  };
}
