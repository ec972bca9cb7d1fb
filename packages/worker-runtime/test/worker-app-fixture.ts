import { randomUUID } from 'node:crypto';
import type { Database } from '@switchyard/db';
import { createLogger } from '@switchyard/logger';
import { createRedis, type Redis } from '@switchyard/queues';
import { createWorkerApp, type WorkerApp, type WorkerSetup } from '../src';

export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A prefix no other test uses, so no other test's jobs show up in this one's queues. */
export const ownPrefix = (label: string) => `{sy-${label}-${randomUUID().slice(0, 8)}}`;

/**
 * A crm worker app with no handlers, on port 0 of loopback: what the HTTP endpoints (/healthz,
 * /readyz, /backlog) are tested on. Its consumer connection is real and its own; `redis` (the
 * producer connection /readyz pings) and `backlogRedisUrl` may point at a Redis that is down.
 */
export function workerAppForEndpoints(opts: { db: Database; redis: Redis; prefix: string; backlogRedisUrl?: string }): { app: WorkerApp<'crm'>; close(): void } {
  const connection = createRedis(redisUrl, 'worker');
  connection.on('error', () => undefined);
  const setup = { events: {}, performers: {} } as unknown as WorkerSetup<'crm'>;
  const app = createWorkerApp(
    { db: opts.db, logger: createLogger({ service: 'worker-app-test', level: 'error' }), redis: opts.redis, connection, redisUrl: opts.backlogRedisUrl ?? redisUrl },
    { queue: 'crm', setup, prefix: opts.prefix, concurrency: 1, parkAfterMs: 60_000, outboxPollIntervalMs: 60_000, metricsHost: '127.0.0.1', metricsPort: 0, shutdownDeadlineMs: 1000 },
  );
  return { app, close: () => connection.disconnect() };
}
