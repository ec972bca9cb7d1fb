import supertest from 'supertest';

import { createDatabase, createDb, createPool, type Database, type Pool, type PrismaClient } from '@switchyard/db';
import { createLogger } from '@switchyard/logger';
import { createRedis, type Queue, type Redis } from '@switchyard/queues';
import type { AlertRule, ConsoleSettings } from '@switchyard/settings';
import { TestQueues, captureLogs, listen, testPrefix } from '@switchyard/testing';
import { RedriveRunner, type RedriveRunnerOptions } from '../src/dead-letters/redrive-runner';
import { loadEnv } from '../src/env';
import { OpsQueues } from '../src/queues/ops-queues';
import { createServer } from '../src/server';

export const TEST_TOKEN = 'ops-test-token-0123456789abcdef';

export interface TestOps {
  request: ReturnType<typeof supertest>;
  /** Where the server listens (http://127.0.0.1:<port>), for clients other than supertest (a browser). */
  url: string;
  /** The test's own Prisma client, to set up and assert rows. */
  db: PrismaClient;
  /** The database the server runs on. */
  database: Database;
  /** The pg pool under `database`, for the repositories that take one (recordInboundEvents). */
  pool: Pool;
  /** A connection fit for BullMQ workers in tests (the server's own one fails fast). */
  workerRedis: Redis;
  prefix: string;
  /** Lines the server logged, to assert on what operators see. */
  logs: string[];
  queue(name: string): Queue;
  /** Runs bulk re-drives and resumes unfinished ones of this prefix, as main.ts's does. */
  redriveRunner: RedriveRunner;
  /** Stops the server; its prefix's queues are emptied unless `keepQueues` (another server on the prefix carries on). */
  close(options?: { keepQueues?: boolean }): Promise<void>;
}

/**
 * The ops server on a real port, over the test database and the machine's Redis, isolated by key
 * prefix; `console` is the configuration file's console section (users and session lengths);
 * `redrives` tunes its re-drive runner (how often it looks for unfinished re-drives, a hook per item).
 */
export async function startOps(
  overrides: Record<string, string | undefined> = {},
  options: { console?: ConsoleSettings; alertRules?: AlertRule[]; prefix?: string; redrives?: Pick<RedriveRunnerOptions, 'intervalMs' | 'leaseMs' | 'afterItem'> } = {},
): Promise<TestOps> {
  const env = loadEnv({ ...process.env, OPS_TOKEN: TEST_TOKEN, ...overrides });
  // A fleet's own prefix when the server must reach that fleet's workers (a retry, a resend).
  const prefix = options.prefix ?? testPrefix();
  const { stream, lines: logs } = captureLogs();
  const logger = createLogger({ service: 'ops-test', level: 'debug', stream });
  const pool = createPool({ url: env.DATABASE_URL, poolSize: 5, connectTimeoutMs: 1000 });
  const database = createDatabase({ url: env.DATABASE_URL, pool });
  const testPool = createPool({ url: env.DATABASE_URL, poolSize: 2, connectTimeoutMs: 1000 });
  const db = createDb({ url: env.DATABASE_URL, pool: testPool });
  const redis = createRedis(env.REDIS_URL, 'producer');
  redis.on('error', () => undefined);
  const workerRedis = createRedis(env.REDIS_URL, 'worker');
  workerRedis.on('error', () => undefined);
  const runnerQueues = new OpsQueues(workerRedis, prefix);
  const redriveRunner = new RedriveRunner({ db: database, redis: workerRedis, queues: runnerQueues, logger, ...options.redrives });
  const server = await listen(
    createServer({ db: database, redis, prefix, token: TEST_TOKEN, logger, authFailuresPerMinute: env.OPS_AUTH_FAILURES_PER_MINUTE, trustProxy: env.TRUST_PROXY, console: options.console, alertRules: options.alertRules, redriveRunner }),
  );
  redriveRunner.start();
  const queues = new TestQueues(workerRedis, prefix);
  return {
    request: supertest(server.url),
    url: server.url,
    db,
    database,
    pool,
    workerRedis,
    prefix,
    logs,
    queue: (name) => queues.get(name),
    redriveRunner,
    async close({ keepQueues = false } = {}) {
      await redriveRunner.stop();
      await server.close();
      await runnerQueues.close();
      await (keepQueues ? queues.close() : queues.cleanup());
      redis.disconnect();
      workerRedis.disconnect();
      await db.$disconnect();
      await testPool.end().catch(() => undefined);
      await database.destroy().catch(() => undefined);
    },
  };
}

export const bearer = { Authorization: `Bearer ${TEST_TOKEN}` };

export function basic(user: string, password: string): { Authorization: string } {
  return { Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}

export { eventually } from '@switchyard/testing';
