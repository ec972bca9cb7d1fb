import supertest from 'supertest';
import { createDatabase, createDb, createPool, type Database, type PrismaClient } from '@switchyard/db';
import { createLogger } from '@switchyard/logger';
import type { OutboxRelay, StaleWorkRedriver } from '@switchyard/outbox';
import { createRedis, type Queue, type QueueName, type Redis } from '@switchyard/queues';
import type { Settings } from '@switchyard/settings';
import { TestQueues, captureLogs, testPrefix } from '@switchyard/testing';
import { connectionsFromEnv, readConnectionsFile, resolveConnections } from '../src/connections/connections';
import { loadEnv } from '../src/env';
import { createReceiver } from '../src/receiver-app';

export { eventually } from '@switchyard/testing';

/** Secrets the integration tests use; tests sign with the providers' own packages, never our code. */
export const testSecrets = {
  STRIPE_WEBHOOK_SECRET: 'whsec_test_current,whsec_test_previous',
  STANDARD_WEBHOOK_SOURCES: 'acme',
  STANDARD_WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
};

export interface TestReceiver {
  request: ReturnType<typeof supertest>;
  /** Prisma on the receiver's pool, for the tests' assertions. */
  db: PrismaClient;
  /** What the receiver itself runs on. */
  database: Database;
  redis: Redis;
  prefix: string;
  relay: OutboxRelay;
  redriver: StaleWorkRedriver;
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
  /** Lead forms to serve at `POST /forms/:formId`. */
  forms?: Settings['forms'];
}

/** A receiver on a real port, over the test database and the machine's Redis, isolated by key prefix. */
export async function startReceiver(opts: HarnessOptions = {}): Promise<TestReceiver> {
  const source = { ...process.env, ...testSecrets, ...opts.env, ...(opts.redisUrl ? { REDIS_URL: opts.redisUrl } : {}), ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}) };
  const env = loadEnv(source);
  const prefix = testPrefix();
  const { stream, lines: logs } = captureLogs();
  const logger = createLogger({ service: 'receiver-test', level: 'debug', stream });
  const connections = resolveConnections([connectionsFromEnv(env), ...(env.SWITCHYARD_CONFIG ? [readConnectionsFile(env.SWITCHYARD_CONFIG, env.variables)] : [])]);
  const pool = createPool({ url: env.DATABASE_URL, poolSize: 20, connectTimeoutMs: 1000 });
  const db = createDb({ url: env.DATABASE_URL, pool });
  const database = createDatabase({ url: env.DATABASE_URL, pool });
  const redis = createRedis(env.REDIS_URL, 'producer');
  redis.on('error', () => undefined);
  // The receiver as main.ts builds it; the redriver only runs when a test ticks it.
  const receiver = createReceiver(
    { database, redis, connections, forms: opts.forms, logger },
    {
      prefix,
      bodyLimitBytes: env.BODY_LIMIT_BYTES,
      formBodyLimitBytes: env.FORM_BODY_LIMIT_BYTES,
      publicBaseUrl: env.PUBLIC_BASE_URL,
      trustProxy: env.TRUST_PROXY,
      outboxPollIntervalMs: 100,
      outboxMaxBackoffMs: 300,
      redriveStaleAfterMs: env.REDRIVE_STALE_AFTER_MS,
      redriveIntervalMs: env.REDRIVE_INTERVAL_MS,
      startRelay: opts.relay !== false,
      startRedriver: false,
    },
  );
  const { relay, redriver } = receiver;
  const url = `http://127.0.0.1:${await receiver.start(0, '127.0.0.1')}`;
  const workerRedis = createRedis(env.REDIS_URL, 'worker');
  workerRedis.on('error', () => undefined);
  const queues = new TestQueues(workerRedis, prefix);
  return {
    request: supertest(url),
    db,
    database,
    redis,
    prefix,
    relay,
    redriver,
    logs,
    url,
    queue: (name) => queues.get(name),
    async close() {
      await receiver.stop();
      await queues.cleanup();
      redis.disconnect();
      workerRedis.disconnect();
      await db.$disconnect();
      await pool.end().catch(() => undefined);
    },
  };
}
