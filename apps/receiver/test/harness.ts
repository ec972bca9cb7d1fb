import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import supertest from 'supertest';

import { createDb, createPool, countPendingOutbox, type PrismaClient } from '@switchyard/db';
import { createLogger } from '@switchyard/logger';
import { OutboxRelay, Reconciler } from '@switchyard/outbox';
import { Queue, QueueProducer, createRedis, type QueueName, type Redis } from '@switchyard/queues';
import { connectionsFromEnv, readConnectionsFile, resolveConnections } from '../src/connections/connections';
import { loadEnv } from '../src/env';
import { createReceiverMetrics } from '../src/http/metrics';
import { createServer } from '../src/server';

/** Secrets the integration tests use; tests sign with the providers' own packages, never our code. */
export const testSecrets = {
  STRIPE_WEBHOOK_SECRET: 'whsec_test_current,whsec_test_previous',
  STANDARD_WEBHOOK_SOURCES: 'acme',
  STANDARD_WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
};

export interface TestReceiver {
  request: ReturnType<typeof supertest>;
  db: PrismaClient;
  redis: Redis;
  prefix: string;
  relay: OutboxRelay;
  reconciler: Reconciler;
  /** Lines the receiver logged, to assert on what operators see. */
  logs: string[];
  queue(name: QueueName): Queue;
  url: string;
  close(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string | undefined>;
  /** Start the outbox relay loop (default true). */
  relay?: boolean;
  redisUrl?: string;
  databaseUrl?: string;
}

/** A receiver on a real port, over the test database and the machine's Redis, isolated by key prefix. */
export async function startReceiver(opts: HarnessOptions = {}): Promise<TestReceiver> {
  const source = { ...process.env, ...testSecrets, ...opts.env, ...(opts.redisUrl ? { REDIS_URL: opts.redisUrl } : {}), ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}) };
  const env = loadEnv(source);
  const prefix = `{sy-test-${randomBytes(4).toString('hex')}}`;
  const logs: string[] = [];
  const { Writable } = await import('node:stream');
  const stream = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const logger = createLogger({ service: 'receiver-test', level: 'debug', stream });
  const connections = resolveConnections([connectionsFromEnv(env), ...(env.SWITCHYARD_CONFIG ? [readConnectionsFile(env.SWITCHYARD_CONFIG, env.variables)] : [])]);
  const pool = createPool({ url: env.DATABASE_URL, poolSize: 20, connectTimeoutMs: 1000 });
  const db = createDb({ url: env.DATABASE_URL, pool });
  const redis = createRedis(env.REDIS_URL, 'producer');
  redis.on('error', () => undefined);
  const producer = new QueueProducer(redis, prefix);
  const relay = new OutboxRelay({ db, producer, logger, pollIntervalMs: 100, maxBackoffMs: 300 });
  const reconciler = new Reconciler({ db, relay, logger, staleAfterMs: env.RECONCILE_AFTER_MS, intervalMs: env.RECONCILE_INTERVAL_MS });
  const metrics = createReceiverMetrics(() => countPendingOutbox(db));
  const app = createServer({ db, pool, redis, connections, logger, metrics, bodyLimitBytes: env.BODY_LIMIT_BYTES, publicBaseUrl: env.PUBLIC_BASE_URL, onStored: () => relay.wake() });
  if (opts.relay !== false) relay.start();
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const queues = new Map<string, Queue>();
  const workerRedis = createRedis(env.REDIS_URL, 'worker');
  workerRedis.on('error', () => undefined);
  return {
    request: supertest(url),
    db,
    redis,
    prefix,
    relay,
    reconciler,
    logs,
    url,
    queue(name) {
      let q = queues.get(name);
      if (!q) {
        q = new Queue(name, { connection: workerRedis, prefix });
        q.on('error', () => undefined);
        queues.set(name, q);
      }
      return q;
    },
    async close() {
      await new Promise((r) => server.close(r));
      await relay.stop();
      await reconciler.stop();
      await Promise.all([...queues.values()].map((q) => q.obliterate({ force: true }).catch(() => undefined).then(() => q.close())));
      await producer.close();
      redis.disconnect();
      workerRedis.disconnect();
      await db.$disconnect();
    await pool.end().catch(() => undefined);
    },
  };
}

/** Polls until `check` returns a truthy value or the deadline passes. */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 10_000, everyMs = 50, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
