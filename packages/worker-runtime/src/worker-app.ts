import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDatabase, createPool, poolOfDatabase, readiness, type Database } from '@switchyard/db';
import { createLogger, type Logger } from '@switchyard/logger';
import { OutboxRelay } from '@switchyard/outbox';
import { QueueProducer, createRedis, surviveRedisConnectionLoss, type QueueName, type Redis } from '@switchyard/queues';
import { shutdownTelemetry } from '@switchyard/telemetry';
import { createEventWorker, type EventHandlers } from './event-worker';
import type { Performers } from './performer';
import { RetentionRunner, type RetentionPolicy } from './retention-runner';
import type { WorkerEnv } from './worker-env';
import { createWorkerMetrics } from './worker-metrics';

/**
 * What a worker app runs on. The caller owns these: stopping the app leaves them open (an
 * in-process fleet shares one database and one producer connection between its apps).
 */
export interface WorkerAppDeps {
  /** The typed query layer the worker runs on (its pg pool also answers /readyz). */
  db: Database;
  logger: Logger;
  /** A producer-side Redis connection (the outbox relay, rate limiters, caches); not the worker's blocking one. */
  redis: Redis;
  /** The consumer's blocking connection (`maxRetriesPerRequest: null`); one per app, never shared. */
  connection: Redis;
  /** For the dead-letter depth gauge, which opens a connection of its own (see dead-letter-depth.ts). */
  redisUrl: string;
}

/** What a worker app brings to the runtime: its event map and its performers, both typed from its queue. */
export interface WorkerSetup<Q extends QueueName> {
  events: EventHandlers<Q>;
  performers: Performers<Q>;
  /** The retention policy in force (read every tick); without it this app removes nothing. */
  retention?(): RetentionPolicy;
  /** Re-reads the app's configuration (SIGHUP); a refusal keeps the one in use and says why. */
  reload?(): { ok: true } | { ok: false; error: string };
  close?(): Promise<void>;
}

/** The knobs of a worker app: what main.ts reads from env.ts, and what a test sets directly. */
export interface WorkerAppOptions {
  prefix: string;
  concurrency: number;
  parkAfterMs: number;
  lockDurationMs?: number;
  maxStalledCount?: number;
  /** How often the app's outbox relay looks for follow-up work written by other processes. */
  outboxPollIntervalMs: number;
  /** Longest wait between the relay's tries while Redis is unreachable (the relay's default when omitted). */
  outboxMaxBackoffMs?: number;
  /** Where /healthz, /readyz and /metrics listen (port 0: any free one). */
  metricsHost: string;
  metricsPort: number;
  /** On stop, active jobs get this long to finish. */
  shutdownDeadlineMs: number;
}

export interface WorkerApp<Q extends QueueName> {
  queue: Q;
  /** The queue consumer (its BullMQ worker runs from creation). */
  runtime: ReturnType<typeof createEventWorker<Q>>;
  relay: OutboxRelay;
  /** Starts the relay, retention and the metrics server; resolves with the server's base URL. */
  start(): Promise<string>;
  /** Stops taking jobs, lets active ones finish up to the deadline, then stops everything it started (`signal`: why, for the log). */
  stop(signal?: string): Promise<'drained' | 'deadline'>;
  /** Re-reads the app's configuration (nothing to re-read: ok). */
  reload(): { ok: true } | { ok: false; error: string };
}

/**
 * One worker app, without reading process.env and without touching the process: the queue consumer,
 * an outbox relay for the follow-up work its jobs write, retention, and `/healthz`, `/readyz`,
 * `/backlog` and `/metrics`. `runWorkerApp` runs it as a process; the e2e fleet runs several in one.
 */
export function createWorkerApp<Q extends QueueName>(deps: WorkerAppDeps, opts: WorkerAppOptions & { queue: Q; setup: WorkerSetup<Q> }): WorkerApp<Q> {
  const { setup, queue } = opts;
  const producer = new QueueProducer(deps.redis, opts.prefix);
  const relay = new OutboxRelay({ database: deps.db, producer, logger: deps.logger, pollIntervalMs: opts.outboxPollIntervalMs, maxBackoffMs: opts.outboxMaxBackoffMs });
  const runtime = createEventWorker({
    queue,
    db: deps.db,
    connection: deps.connection,
    prefix: opts.prefix,
    concurrency: opts.concurrency,
    logger: deps.logger,
    events: setup.events,
    performers: setup.performers,
    parkAfterMs: opts.parkAfterMs,
    lockDurationMs: opts.lockDurationMs,
    maxStalledCount: opts.maxStalledCount,
    onCommitted: () => relay.wake(),
  });

  const workerMetrics = createWorkerMetrics({ queue, redisUrl: deps.redisUrl, prefix: opts.prefix });
  const { registry: metrics, completed, failed, stalled } = workerMetrics;
  runtime.worker.on('completed', (job) => completed.inc({ queue, job: job.name }));
  runtime.worker.on('failed', (job) => failed.inc({ queue, job: job?.name ?? 'unknown' }));
  runtime.worker.on('stalled', () => stalled.inc({ queue }));
  const retention = setup.retention ? new RetentionRunner({ database: deps.db, logger: deps.logger, policy: setup.retention, metrics }) : undefined;

  const app = express();
  app.get('/healthz', (_req, res) => {
    res.json({ status: runtime.worker.isRunning() ? 'ok' : 'stopping', queue });
  });
  // Not ready while Postgres or Redis is away (jobs would only fail and back off); ready again when both answer.
  app.get('/readyz', async (_req, res) => {
    const { ready, postgres, redis: redisState } = await readiness(poolOfDatabase(deps.db), deps.redis);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', queue, postgres, redis: redisState });
  });
  // What KEDA's metrics-api trigger scales this worker on; 503 while Redis is away, so the scaler
  // falls back to its configured replicas instead of reading a backlog of zero.
  app.get('/backlog', async (_req, res) => {
    try {
      res.json(await workerMetrics.backlog.read());
    } catch (err) {
      res.status(503).json({ queue, error: `backlog unknown: ${(err as Error).message}` });
    }
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.metrics());
  });
  let server: Server | undefined;

  return {
    queue,
    runtime,
    relay,
    async start() {
      const listening = await new Promise<Server>((resolve) => {
        const s = app.listen(opts.metricsPort, opts.metricsHost, () => resolve(s));
      });
      server = listening;
      const { port } = listening.address() as AddressInfo;
      deps.logger.info('worker started', { queue, concurrency: opts.concurrency, metricsHost: opts.metricsHost, metricsPort: port });
      relay.start();
      retention?.start();
      return `http://${opts.metricsHost}:${port}`;
    },
    reload: () => setup.reload?.() ?? { ok: true },
    async stop(signal) {
      deps.logger.info('shutting down: no new jobs, finishing active ones', { signal, queue, deadlineMs: opts.shutdownDeadlineMs });
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'deadline'>((r) => (timer = setTimeout(() => r('deadline'), opts.shutdownDeadlineMs)));
      const outcome = await Promise.race([runtime.close().then(() => 'drained' as const), deadline]).finally(() => clearTimeout(timer));
      if (outcome === 'deadline') deps.logger.warn('shutdown deadline passed; unfinished jobs will be picked up again after their lock expires');
      else deps.logger.info('active jobs finished');
      await relay.stop().catch(() => undefined);
      await retention?.stop().catch(() => undefined);
      const closing = server;
      if (closing) await new Promise<void>((r) => closing.close(() => r()));
      await setup.close?.().catch(() => undefined);
      await workerMetrics.close();
      await producer.close().catch(() => undefined);
      return outcome;
    },
  };
}

/** How an app builds itself from its deps and options (its `create<App>Worker`). */
export type WorkerAppFactory<Q extends QueueName> = (deps: WorkerAppDeps, options: WorkerAppOptions) => WorkerApp<Q>;

export interface RunWorkerAppOptions<Q extends QueueName> {
  service: string;
  env: WorkerEnv & { METRICS_PORT: number };
  create: WorkerAppFactory<Q>;
}

/**
 * Runs one worker app as a process: connections from its env, the app from its factory, and
 * graceful shutdown (SIGTERM → stop taking jobs, let active ones finish up to the deadline, close,
 * exit). SIGHUP re-reads the app's configuration. Replicas need nothing but Redis and Postgres.
 */
export async function runWorkerApp<Q extends QueueName>(opts: RunWorkerAppOptions<Q>): Promise<void> {
  const { env } = opts;
  const logger = createLogger({ service: opts.service, level: env.LOG_LEVEL });
  // A Redis restart must not end the process (see surviveRedisConnectionLoss).
  surviveRedisConnectionLoss(logger);
  // One pg pool under the typed query layer.
  const db = createDatabase({ url: env.DATABASE_URL, poolMode: env.DATABASE_POOL_MODE, pool: createPool({ url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE }) });
  // Both reconnect on their own; an `error` event without a listener would end the process.
  const connection = createRedis(env.REDIS_URL, 'worker');
  connection.on('error', () => undefined);
  const redis = createRedis(env.REDIS_URL, 'producer');
  redis.on('error', () => undefined);
  const app = opts.create(
    { db, logger, redis, connection, redisUrl: env.REDIS_URL },
    {
      prefix: env.QUEUE_PREFIX,
      concurrency: env.WORKER_CONCURRENCY,
      parkAfterMs: env.EFFECT_PARK_AFTER_MS,
      lockDurationMs: env.WORKER_LOCK_MS,
      maxStalledCount: env.WORKER_MAX_STALLED,
      outboxPollIntervalMs: env.OUTBOX_POLL_INTERVAL_MS,
      metricsHost: env.METRICS_HOST,
      metricsPort: env.METRICS_PORT,
      shutdownDeadlineMs: env.SHUTDOWN_DEADLINE_MS,
    },
  );
  await app.start();
  process.on('SIGHUP', () => {
    const result = app.reload();
    if (result.ok) logger.info('configuration reloaded; messages not sent yet are rendered with its templates, other planned effects keep their requests', { file: env.SWITCHYARD_CONFIG });
    else logger.error('configuration reload refused; keeping the previous one', { file: env.SWITCHYARD_CONFIG, error: result.error });
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const outcome = await app.stop(signal);
    connection.disconnect();
    redis.disconnect();
    await db.destroy().catch(() => undefined);
    logger.info('stopped', { outcome });
    await shutdownTelemetry().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
