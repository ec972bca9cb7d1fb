import { Gauge, type Registry } from 'prom-client';
import { Queue, createRedis, queuePrefix, registry, type QueueName } from '@switchyard/queues';

export interface DeadLetterDepthOptions {
  queue: QueueName;
  redisUrl: string;
  prefix: string;
  metrics: Registry;
  /** How long a scrape waits for Redis before reporting -1 (unknown). */
  timeoutMs?: number;
}

/**
 * `switchyard_dead_letter_depth{queue}`: jobs waiting in the queue's dead-letter queue, read at
 * each scrape. The queue gets a connection of its own with the offline queue on: BullMQ sends
 * commands while the connection is still opening, and on a producer connection (offline queue off)
 * those fail and leave the Queue unusable for good, so every scrape read -1. A scrape while Redis
 * is away answers -1 after `timeoutMs` instead of hanging.
 */
export function deadLetterDepthGauge(opts: DeadLetterDepthOptions): { close(): Promise<void> } {
  const connection = createRedis(opts.redisUrl, 'worker');
  connection.on('error', () => undefined);
  const dlq = new Queue(registry[opts.queue].deadLetterQueue, { connection, prefix: queuePrefix(opts.prefix, registry[opts.queue].deadLetterQueue) });
  dlq.on('error', () => undefined);
  const timeoutMs = opts.timeoutMs ?? 2000;
  const depth = async (): Promise<number> => {
    let timer: NodeJS.Timeout | undefined;
    const unknown = new Promise<number>((resolve) => (timer = setTimeout(() => resolve(-1), timeoutMs)));
    try {
      return await Promise.race([dlq.count().catch(() => -1), unknown]);
    } finally {
      clearTimeout(timer);
    }
  };
  new Gauge({
    name: 'switchyard_dead_letter_depth',
    help: 'Jobs waiting in the dead-letter queue (-1: Redis did not answer)',
    labelNames: ['queue'],
    registers: [opts.metrics],
    async collect() {
      this.set({ queue: opts.queue }, await depth());
    },
  });
  return {
    async close() {
      await dlq.close().catch(() => undefined);
      connection.disconnect();
    },
  };
}
