import express from 'express';
import type { Server } from 'node:http';
import { Gauge, Registry, collectDefaultMetrics, Counter } from 'prom-client';
import { createDb } from '@switchyard/db';
import { createLogger } from '@switchyard/logger';
import { Queue, createRedis, registry, type QueueName } from '@switchyard/queues';
import { createEventWorker, type EventHandler } from './event-worker';
import type { WorkerEnv } from './worker-env';

export interface WorkerAppOptions {
  service: string;
  queue: QueueName;
  env: WorkerEnv & { METRICS_PORT: number };
  handle: EventHandler;
}

/**
 * Runs one worker app: the queue consumer, `/healthz` and `/metrics` on METRICS_PORT, and graceful
 * shutdown (SIGTERM → stop taking jobs, let active ones finish up to the deadline, close).
 */
export async function runWorkerApp(opts: WorkerAppOptions): Promise<void> {
  const { env } = opts;
  const logger = createLogger({ service: opts.service, level: env.LOG_LEVEL });
  const db = createDb({ url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE });
  const connection = createRedis(env.REDIS_URL, 'worker');
  const runtime = createEventWorker({ queue: opts.queue, db, connection, prefix: env.QUEUE_PREFIX, concurrency: env.WORKER_CONCURRENCY, logger, handle: opts.handle });

  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  const processed = new Counter({ name: 'switchyard_jobs_completed_total', help: 'Jobs completed', labelNames: ['queue'], registers: [metrics] });
  const failed = new Counter({ name: 'switchyard_jobs_failed_total', help: 'Job attempts that failed', labelNames: ['queue'], registers: [metrics] });
  const dlq = new Queue(registry[opts.queue].deadLetterQueue, { connection, prefix: env.QUEUE_PREFIX });
  dlq.on('error', () => undefined);
  new Gauge({
    name: 'switchyard_dead_letter_depth',
    help: 'Jobs waiting in the dead-letter queue',
    labelNames: ['queue'],
    registers: [metrics],
    async collect() {
      this.set({ queue: opts.queue }, await dlq.count().catch(() => -1));
    },
  });
  runtime.worker.on('completed', () => processed.inc({ queue: opts.queue }));
  runtime.worker.on('failed', () => failed.inc({ queue: opts.queue }));

  const app = express();
  app.get('/healthz', (_req, res) => {
    res.json({ status: runtime.worker.isRunning() ? 'ok' : 'stopping', queue: opts.queue });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.metrics());
  });
  const server: Server = app.listen(env.METRICS_PORT, () => logger.info('worker started', { queue: opts.queue, concurrency: env.WORKER_CONCURRENCY, metricsPort: env.METRICS_PORT }));

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down: no new jobs, finishing active ones', { signal, deadlineMs: env.SHUTDOWN_DEADLINE_MS });
    const deadline = new Promise<'deadline'>((r) => setTimeout(() => r('deadline'), env.SHUTDOWN_DEADLINE_MS).unref());
    const outcome = await Promise.race([runtime.close().then(() => 'drained' as const), deadline]);
    if (outcome === 'deadline') logger.warn('shutdown deadline passed; unfinished jobs will be picked up again after their lock expires');
    server.close();
    await dlq.close().catch(() => undefined);
    connection.disconnect();
    await db.$disconnect();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
