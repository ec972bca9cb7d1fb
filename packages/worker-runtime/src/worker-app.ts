import express from 'express';
import type { Server } from 'node:http';
import { createDatabase, createPool, readiness, type Database } from '@switchyard/db';
import { createLogger, type Logger } from '@switchyard/logger';
import { OutboxRelay } from '@switchyard/outbox';
import { QueueProducer, createRedis, type QueueName, type Redis } from '@switchyard/queues';
import { createEventWorker, type EventHandlers } from './event-worker';
import type { Performers } from './performer';
import { RetentionRunner, type RetentionPolicy } from './retention-runner';
import type { WorkerEnv } from './worker-env';
import { createWorkerMetrics } from './worker-metrics';

export interface WorkerDeps {
  /** The typed query layer the worker runs on. */
  db: Database;
  logger: Logger;
  /** A producer-side Redis connection (rate limiters, caches); not the worker's blocking one. */
  redis: Redis;
}

/** What a worker app brings to the runtime: its event map and its performers, both typed from its queue. */
export interface WorkerSetup<Q extends QueueName> {
  events: EventHandlers<Q>;
  performers: Performers<Q>;
  /** The retention policy in force (read every tick); without it this app removes nothing. */
  retention?(): RetentionPolicy;
  close?(): Promise<void>;
}

export interface WorkerAppOptions<Q extends QueueName> {
  service: string;
  queue: Q;
  env: WorkerEnv & { METRICS_PORT: number };
  setup(deps: WorkerDeps): Promise<WorkerSetup<Q>> | WorkerSetup<Q>;
}

/**
 * Runs one worker app: the queue consumer, an outbox relay for the follow-up work its jobs write,
 * `/healthz`, `/readyz` and `/metrics` on METRICS_HOST:METRICS_PORT, and graceful shutdown (SIGTERM → stop taking jobs,
 * let active ones finish up to the deadline, close). Replicas need nothing but Redis and Postgres.
 */
export async function runWorkerApp<Q extends QueueName>(opts: WorkerAppOptions<Q>): Promise<void> {
  const { env } = opts;
  const logger = createLogger({ service: opts.service, level: env.LOG_LEVEL });
  // One pg pool under the typed query layer.
  const pool = createPool({ url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE });
  const database = createDatabase({ url: env.DATABASE_URL, pool });
  // Both reconnect on their own; an `error` event without a listener would end the process.
  const connection = createRedis(env.REDIS_URL, 'worker');
  connection.on('error', () => undefined);
  const redis = createRedis(env.REDIS_URL, 'producer');
  redis.on('error', () => undefined);
  const producer = new QueueProducer(redis, env.QUEUE_PREFIX);
  const relay = new OutboxRelay({ database, producer, logger, pollIntervalMs: env.OUTBOX_POLL_INTERVAL_MS });
  const setup = await opts.setup({ db: database, logger, redis });
  const runtime = createEventWorker({
    queue: opts.queue,
    db: database,
    connection,
    prefix: env.QUEUE_PREFIX,
    concurrency: env.WORKER_CONCURRENCY,
    logger,
    events: setup.events,
    performers: setup.performers,
    parkAfterMs: env.EFFECT_PARK_AFTER_MS,
    lockDurationMs: env.WORKER_LOCK_MS,
    maxStalledCount: env.WORKER_MAX_STALLED,
    onCommitted: () => relay.wake(),
  });

  const workerMetrics = createWorkerMetrics({ queue: opts.queue, redisUrl: env.REDIS_URL, prefix: env.QUEUE_PREFIX });
  const { registry: metrics, completed, failed, stalled } = workerMetrics;
  runtime.worker.on('completed', (job) => completed.inc({ queue: opts.queue, job: job.name }));
  runtime.worker.on('failed', (job) => failed.inc({ queue: opts.queue, job: job?.name ?? 'unknown' }));
  runtime.worker.on('stalled', () => stalled.inc({ queue: opts.queue }));
  const retention = setup.retention ? new RetentionRunner({ database, logger, policy: setup.retention, metrics }) : undefined;

  const app = express();
  app.get('/healthz', (_req, res) => {
    res.json({ status: runtime.worker.isRunning() ? 'ok' : 'stopping', queue: opts.queue });
  });
  // Not ready while Postgres or Redis is away (jobs would only fail and back off); ready again when both answer.
  app.get('/readyz', async (_req, res) => {
    const { ready, postgres, redis: redisState } = await readiness(pool, redis);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', queue: opts.queue, postgres, redis: redisState });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.metrics());
  });
  const server: Server = app.listen(env.METRICS_PORT, env.METRICS_HOST, () => logger.info('worker started', { queue: opts.queue, concurrency: env.WORKER_CONCURRENCY, metricsHost: env.METRICS_HOST, metricsPort: env.METRICS_PORT }));
  relay.start();
  retention?.start();

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down: no new jobs, finishing active ones', { signal, deadlineMs: env.SHUTDOWN_DEADLINE_MS });
    const deadline = new Promise<'deadline'>((r) => setTimeout(() => r('deadline'), env.SHUTDOWN_DEADLINE_MS).unref());
    const outcome = await Promise.race([runtime.close().then(() => 'drained' as const), deadline]);
    if (outcome === 'deadline') logger.warn('shutdown deadline passed; unfinished jobs will be picked up again after their lock expires');
    else logger.info('active jobs finished');
    await relay.stop().catch(() => undefined);
    await retention?.stop().catch(() => undefined);
    server.close();
    await setup.close?.().catch(() => undefined);
    await workerMetrics.close();
    await producer.close().catch(() => undefined);
    connection.disconnect();
    redis.disconnect();
    await database.destroy().catch(() => undefined);
    logger.info('stopped', { outcome });
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
